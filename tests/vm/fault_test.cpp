// fault_test.cpp: a fault in the program ends it like the matching fatal signal (status 128+N,
// one line on the console), never a kernel crash.
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

struct FaultCase {
    const char* kind;
    int status;
    const char* signal_number;
};

class Fault : public ::testing::TestWithParam<FaultCase> {};

TEST_P(Fault, EndsTheProgramWithTheSignalStatus) {
    const FaultCase& c = GetParam();
    RunResult r = run_ops({"run", app("fault-static"), "-a", c.kind});
    EXPECT_EXIT_CODE(r, c.status);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {std::string("before ") + c.kind}))
        << r.describe();
    EXPECT_EQ(r.out.find(std::string("after ") + c.kind), std::string::npos) << r.describe();
    EXPECT_NE(r.out.find(std::string("killed by signal ") + c.signal_number), std::string::npos)
        << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Kinds, Fault,
                         ::testing::Values(FaultCase{"segv", 139, "11"}, FaultCase{"fpe", 136, "8"},
                                           FaultCase{"ud", 132, "4"}),
                         [](const auto& info) { return std::string(info.param.kind); });

} // namespace
} // namespace vm
