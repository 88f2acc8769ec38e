// syscalls_test.cpp: the broad syscall sweep of tests/apps/syscalls.c under each libc: every
// check prints "ok <name>", none prints FAIL.
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vm {
namespace {

// The checks of syscalls.c, in the order it runs them.
const std::vector<std::string> kSyscallChecks = {
    "uname",
    "getpid",
    "gettid",
    "getppid",
    "getuid",
    "clock_gettime_monotonic",
    "clock_gettime_realtime",
    "nanosleep",
    "getrandom",
    "brk",
    "mmap",
    "mprotect",
    "mremap",
    "munmap",
    "getcwd",
    "access",
    "readlink_proc_self_exe",
    "dev_null",
    "dev_zero",
    "dev_urandom",
    "dup",
    "dup2",
    "dup3",
    "fcntl",
    "close",
    "ioctl_tcgets",
    "sched_getaffinity",
    "prlimit64",
    "rt_sigaction",
    "rt_sigprocmask",
};

class Syscalls : public ::testing::TestWithParam<const char*> {};

TEST_P(Syscalls, EveryCheckPasses) {
    RunResult r = run_ops({"run", app(std::string("syscalls-") + GetParam())});
    EXPECT_EXIT_CODE(r, 0);
    std::vector<std::string> expected;
    for (const std::string& check : kSyscallChecks)
        expected.push_back("ok " + check);
    expected.push_back("syscalls: all checks passed");
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), expected)) << r.describe();
    EXPECT_TRUE(no_line_starting_with(r.out_lines(), "FAIL")) << r.describe();
    // The terminal query's result depends on the console; it is printed, not judged.
    bool tcgets_reported = false;
    for (const std::string& line : r.out_lines())
        tcgets_reported |= line.rfind("info ioctl_tcgets: fd 1 returned ", 0) == 0;
    EXPECT_TRUE(tcgets_reported) << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Variants, Syscalls, ::testing::ValuesIn(kAppVariants), variant_test_name);

} // namespace
} // namespace vm
