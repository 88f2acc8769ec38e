// vdso_test.cpp: clock_gettime, gettimeofday and time are answered by the vDSO: correct values
// and no trap (nothing about them in --trace output).
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

class Vdso : public ::testing::TestWithParam<std::string> {};

TEST_P(Vdso, TimeCallsDoNotTrap) {
    RunResult r = run_ops({"run", "--trace", app("clock-" + GetParam())});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"vdso yes", "monotonic backwards 0",
                                                   "realtime consistent yes"}))
        << r.describe();
    for (const char* call : {"clock_gettime(", "gettimeofday(", " time("})
        EXPECT_EQ(r.out.find(std::string("ops trace: ") + (call[0] == ' ' ? call + 1 : call)),
                  std::string::npos)
            << call << " trapped\n" << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Variants, Vdso, ::testing::Values("static", "static-pie", "musl"),
                         [](const auto& info) {
                             std::string name = info.param;
                             for (char& c : name)
                                 if (c == '-')
                                     c = '_';
                             return name;
                         });

} // namespace
} // namespace vm
