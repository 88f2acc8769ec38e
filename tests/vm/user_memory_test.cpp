// user_memory_test.cpp: bad user pointers (page 0, the kernel half, an unmapped buffer) make
// syscalls fail with EFAULT instead of crashing the kernel or the program.
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

class Efault : public ::testing::TestWithParam<const char*> {};

TEST_P(Efault, BadPointersGiveEfault) {
    RunResult r = run_ops({"run", app(std::string("efault-") + GetParam())});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {
                                       "write(1, 0x1, 10) = -14",
                                       "write(1, 0xffff800000000000, 10) = -14",
                                       "read(/dev/zero, unmapped, 3) = -14",
                                   }))
        << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Variants, Efault, ::testing::Values("static", "musl"), variant_test_name);

} // namespace
} // namespace vm
