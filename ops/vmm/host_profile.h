// host_profile.h: what `ops profile` reports: the ops version, the QEMU found on PATH and its
// version, whether KVM would be used (and why not), the kernel ops would boot, the host system.
// Accel decisions come from accel.h, the kernel search from ops/image/kernel.h.
#pragma once

#include <filesystem>
#include <string>

namespace ops {

class Environment;

struct HostProfile {
    std::string ops_version;
    std::string os;    // uname sysname and release, e.g. "Linux 6.8.0"
    std::string arch;  // uname machine, e.g. "x86_64"
    std::string qemu_path;     // empty when not found on PATH
    std::string qemu_version;  // first line of `qemu --version`, empty when unknown
    bool kvm = false;          // what `ops run` would use
    std::string accel_reason;  // why KVM is not used; empty when it is
    std::string kernel_path;   // empty when not found
    std::string kernel_problem;  // why no kernel was found
};

// Gathers the profile. Runs `<qemu> --version` (blocks until it exits), probes /dev/kvm. Never
// throws for a missing piece: each one is reported as absent with its reason.
HostProfile host_profile(const Environment& environment,
                         const std::filesystem::path& executable_directory);

// The first executable `name` in the PATH of `environment`, or empty.
std::filesystem::path find_on_path(const Environment& environment, const std::string& name);

} // namespace ops
