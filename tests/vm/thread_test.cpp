// thread_test.cpp: pthreads (clone, futex, TLS through FS base) on the kernel's scheduler:
// 16 threads with a mutex, a condition variable and thread-local counters.
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

class Threads : public ::testing::TestWithParam<std::string> {};

TEST_P(Threads, SumAcrossSixteenThreads) {
    RunResult r = run_ops({"run", app("threads-" + GetParam())});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {"sum 2720000 expected 2720000", "threads: ok"}))
        << r.describe();
}

TEST_P(Threads, PipesEventfdEpollPollSelectAndFutexTimeouts) {
    RunResult r = run_ops({"run", app("waiting-" + GetParam())});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {"ok epoll_pipe_ready", "ok epoll_edge_once", "ok epoll_oneshot",
                                    "ok poll", "ok select", "ok pipe_eof", "ok futex_timeout",
                                    "waiting: ok"}))
        << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Variants, Threads, ::testing::Values("static", "static-pie", "musl"),
                         [](const auto& info) {
                             std::string name = info.param;
                             for (char& c : name)
                                 if (c == '-')
                                     c = '_';
                             return name;
                         });

} // namespace
} // namespace vm
