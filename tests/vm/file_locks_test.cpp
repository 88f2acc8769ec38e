// file_locks_test.cpp: fcntl record locks (kernel/linux/file_locks.cpp) with Linux's results
// for a single process, and sysinfo.
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

class FileLocks : public ::testing::TestWithParam<const char*> {};

TEST_P(FileLocks, RecordLocksSucceedAndGetlkReportsUnlocked) {
    RunResult r = run_ops({"run", app(std::string("file_locks-") + GetParam()), "-a",
                           "/proc/self/exe", "-a", "/locks.db"});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {
                                       "ok F_SETLK read lock",
                                       "ok F_GETLK reports F_UNLCK",
                                       "ok F_SETLK write lock on a read-only fd: EBADF",
                                       "ok F_GETLK of F_UNLCK: EINVAL",
                                       "ok F_SETLK bad pointer: EFAULT",
                                       "ok F_OFD_GETLK reports F_UNLCK",
                                       "ok F_SETLK write lock",
                                       "ok F_OFD_SETLKW write lock",
                                       "ok F_GETLK over our own write lock reports F_UNLCK",
                                       "file_locks: ok",
                                   }))
        << r.describe();
    EXPECT_TRUE(no_line_starting_with(r.out_lines(), "FAIL")) << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Variants, FileLocks, ::testing::ValuesIn(kAppVariants), variant_test_name);

TEST(Sysinfo, MemoryUptimeAndTasks) {
    RunResult r = run_ops({"run", app("sysinfo-static")});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"ok a new thread is a new task", "sysinfo: ok"}))
        << r.describe();
    EXPECT_TRUE(no_line_starting_with(r.out_lines(), "FAIL")) << r.describe();
}

} // namespace
} // namespace vm
