// syscall_table_test.cpp: the dispatcher's edge: an unknown syscall number returns -ENOSYS to
// the program, and --trace reports it.
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

TEST(SyscallTable, UnknownNumberReturnsEnosys) {
    RunResult r = run_ops({"run", app("enosys-static")});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"syscall(1023) = -38"})) << r.describe();
}

TEST(SyscallTable, TraceReportsTheUnknownNumber) {
    RunResult r = run_ops({"run", "--trace", app("enosys-static")});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"syscall(1023) = -38"})) << r.describe();
    // Besides the program's own line, some trace line (stdout or stderr) names number 1023.
    bool reported = false;
    for (const auto* lines : {&r.out, &r.err}) {
        for (const std::string& line : split_lines(*lines))
            if (line.find("1023") != std::string::npos && line.rfind("syscall(1023) =", 0) != 0)
                reported = true;
    }
    EXPECT_TRUE(reported) << "--trace did not mention syscall 1023\n" << r.describe();
}

} // namespace
} // namespace vm
