// thread_test.cpp: pthreads (clone, futex, TLS through FS base, sched_setaffinity), blocking
// across threads (pipes, eventfd, epoll, poll, select, futex timeouts, EPOLLEXCLUSIVE waking one
// of several epoll instances) and signals (handlers, masks, sigaltstack, faults, timers,
// signalfd), each on 1 and on 4 CPUs.
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <tuple>

namespace vm {
namespace {

// (variant, --smp)
class Threads : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {
  protected:
    RunResult run(const std::string& name) {
        auto [variant, smp] = GetParam();
        return run_ops({"run", "--smp", smp, app(name + "-" + variant)});
    }
};

TEST_P(Threads, SumAcrossSixteenThreads) {
    RunResult r = run("threads");
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {"sum 2720000 expected 2720000", "ok affinity", "threads: ok"}))
        << r.describe();
}

TEST_P(Threads, PipesEventfdEpollPollSelectAndFutexTimeouts) {
    RunResult r = run("waiting");
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(
        r.out_lines(), {"ok epoll_pipe_ready", "ok epoll_edge_once", "ok epoll_oneshot", "ok poll",
                        "ok select", "ok pipe_eof", "ok futex_timeout",
                        "ok epoll_exclusive_wakes_one", "ok epoll_exclusive_flags", "waiting: ok"}))
        << r.describe();
}

TEST_P(Threads, HandlersMasksAltstackFaultsTimersSignalfd) {
    RunResult r = run("signals");
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(
        r.out_lines(),
        {"ok raise_handler", "ok segv_caught", "ok segv_on_altstack", "ok sigsuspend",
         "ok sigtimedwait", "ok setitimer", "ok posix_timer_periodic", "ok timerfd", "ok signalfd",
         "ok sa_restart", "ok itimer_virtual_not_while_sleeping",
         "ok itimer_virtual_after_cpu_time", "ok itimer_prof_periodic", "ok posix_cpu_clock_timers",
         "ok getrusage_times", "signals: ok"}))
        << r.describe();
}

TEST_P(Threads, RobustMutexOwnerDied) {
    RunResult r = run("robust_mutex");
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"lock after owner died: EOWNERDEAD"}))
        << r.describe();
}

TEST_P(Threads, VectorRegistersSurviveSwitchesAndHandlers) {
    RunResult r = run("vector_state");
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {"signal handler preserved registers",
                                    "thread switches preserved registers", "vector_state: ok"}))
        << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Variants, Threads,
                         ::testing::Combine(::testing::Values("static", "static-pie", "musl"),
                                            ::testing::Values("1", "4")),
                         [](const auto& info) {
                             std::string name =
                                 std::get<0>(info.param) + "_smp" + std::get<1>(info.param);
                             for (char& c : name)
                                 if (c == '-')
                                     c = '_';
                             return name;
                         });

} // namespace
} // namespace vm
