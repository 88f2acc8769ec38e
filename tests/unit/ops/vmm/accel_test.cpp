// Tests for ops/vmm/accel.cpp: the KVM/TCG decision with injected probe results.
#include "ops/vmm/accel.h"

#include "ops/base/environment.h"
#include "ops/base/error.h"

#include <cerrno>
#include <gtest/gtest.h>

namespace ops {
namespace {

TEST(Accel, KvmWhenCpuAndDeviceAreThere) {
    AccelDecision decision = decide_accel(AccelRequest::Auto, {true, 0});
    EXPECT_EQ(decision.accel, Accel::Kvm);
    EXPECT_EQ(decision.notice, "");
}

TEST(Accel, NoDeviceSaysSoOnce) {
    AccelDecision decision = decide_accel(AccelRequest::Auto, {true, ENOENT});
    EXPECT_EQ(decision.accel, Accel::Tcg);
    EXPECT_EQ(decision.notice,
              "ops: KVM not available (no /dev/kvm): using TCG emulation, expect slower boots");
}

TEST(Accel, PermissionDeniedNamesTheGroup) {
    AccelDecision decision = decide_accel(AccelRequest::Auto, {true, EACCES});
    EXPECT_EQ(decision.accel, Accel::Tcg);
    EXPECT_NE(decision.notice.find("kvm group"), std::string::npos);
    EXPECT_EQ(decision.notice.find('\n'), std::string::npos);
}

TEST(Accel, NoVirtualizationFlag) {
    AccelDecision decision = decide_accel(AccelRequest::Auto, {false, 0});
    EXPECT_EQ(decision.accel, Accel::Tcg);
    EXPECT_NE(decision.notice.find("vmx/svm"), std::string::npos);
}

TEST(Accel, ForcedTcgIsSilent) {
    AccelDecision decision = decide_accel(AccelRequest::ForceTcg, {true, 0});
    EXPECT_EQ(decision.accel, Accel::Tcg);
    EXPECT_EQ(decision.notice, "");
}

TEST(Accel, RequestFromConfigAndEnvironment) {
    Environment empty = Environment::fixed({});
    EXPECT_EQ(accel_request(true, empty), AccelRequest::Auto);
    EXPECT_EQ(accel_request(false, empty), AccelRequest::ForceTcg);
    EXPECT_EQ(accel_request(true, Environment::fixed({{"OPS_ACCEL", "tcg"}})),
              AccelRequest::ForceTcg);
    EXPECT_EQ(accel_request(true, Environment::fixed({{"OPS_ACCEL", ""}})), AccelRequest::Auto);
    EXPECT_THROW(accel_request(true, Environment::fixed({{"OPS_ACCEL", "kvm"}})), Error);
}

TEST(Accel, CpuinfoFlags) {
    EXPECT_TRUE(cpuinfo_has_virtualization("processor\t: 0\nflags\t\t: fpu vme vmx sse\n"));
    EXPECT_TRUE(cpuinfo_has_virtualization("flags\t: svm\n"));
    EXPECT_FALSE(cpuinfo_has_virtualization("flags\t: fpu vmxx svmm\n"));
    EXPECT_FALSE(cpuinfo_has_virtualization("model name\t: vmx svm\nflags\t: fpu\n"));
    EXPECT_FALSE(cpuinfo_has_virtualization(""));
}

} // namespace
} // namespace ops
