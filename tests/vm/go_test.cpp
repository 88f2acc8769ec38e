// go_test.cpp: Go programs built with Debian's golang-go (CGO_ENABLED=0): the runtime's
// threads, futexes, signals (nil checks become panics through SIGSEGV), epoll-based timers and
// the garbage collector.
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

class Go : public ::testing::TestWithParam<std::string> {
  protected:
    RunResult run(const std::string& name) { return run_ops({"run", "--smp", GetParam(), app(name)}); }
};

TEST_P(Go, TenThousandGoroutinesChannelsTimersAndGc) {
    RunResult r = run("go-goroutines");
    EXPECT_EXIT_CODE(r, 0);
    // The checksum is what the same binary prints on Linux.
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"checksum 49731579", "ticks>=3 true slept true gc>0 true"}))
        << r.describe();
}

TEST_P(Go, UnrecoveredPanicExitsTwoWithItsMessage) {
    RunResult r = run("go-panic");
    EXPECT_EXIT_CODE(r, 2);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"about to panic", "panic: something went wrong"}))
        << r.describe();
}

TEST_P(Go, NilDereferenceIsRecovered) {
    RunResult r = run("go-nilrecover");
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(
        r.out_lines(),
        {"recovered: runtime error: invalid memory address or nil pointer dereference", "value 42"}))
        << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Cpus, Go, ::testing::Values("1", "4"),
                         [](const auto& info) { return "smp" + info.param; });

} // namespace
} // namespace vm
