// accel.h: choosing between KVM and TCG. The host probe (probe_host_accel) is separate from the
// decision (decide_accel) so the decision can be tested with any probe result.
#pragma once

#include <string>

namespace ops {

class Environment;

enum class Accel { Kvm, Tcg };

// What the host offers. Filled by probe_host_accel(), or by hand in tests.
struct AccelProbe {
    bool cpu_has_virtualization = false;  // "vmx" or "svm" in /proc/cpuinfo flags
    int kvm_open_errno = 0;               // 0 when /dev/kvm opened read-write
};

// Why TCG was chosen, or that it was not.
struct AccelDecision {
    Accel accel = Accel::Tcg;
    // One line for stderr (starting "ops: "), empty when nothing needs to be said: KVM was
    // chosen, or TCG was asked for (--accel=false, --no-accel, OPS_ACCEL=tcg).
    std::string notice;
};

// How the user asked: accel wanted (default) or forced off.
enum class AccelRequest { Auto, ForceTcg };

// Reads /proc/cpuinfo and opens (then closes) /dev/kvm. Blocks briefly on file I/O.
AccelProbe probe_host_accel();

// Pure decision. `probe` is only looked at for AccelRequest::Auto.
AccelDecision decide_accel(AccelRequest request, const AccelProbe& probe);

// The request from the config's Accel flag and OPS_ACCEL (which only accepts "tcg" or "" to
// mean "no preference"). Throws ops::Error for another OPS_ACCEL value.
AccelRequest accel_request(bool config_accel, const Environment& environment);

// True when the flags line of a /proc/cpuinfo text names vmx or svm. Exposed for tests.
bool cpuinfo_has_virtualization(const std::string& cpuinfo);

} // namespace ops
