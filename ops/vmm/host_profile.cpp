// host_profile.cpp: collecting `ops profile` facts.
#include "ops/vmm/host_profile.h"

#include "ops/base/environment.h"
#include "ops/base/error.h"
#include "ops/config/config.h"
#include "ops/image/kernel.h"
#include "ops/vmm/accel.h"

#include <cstdio>
#include <sys/utsname.h>
#include <unistd.h>

namespace ops {

namespace {
constexpr const char* kQemuBinary = "qemu-system-x86_64";  // as RunRequest::qemu_binary
// Bytes of `qemu --version` output kept: its first line is short.
constexpr std::size_t kMaxVersionLine = 256;

std::string first_line_of(const std::filesystem::path& program, const char* argument) {
    std::string command = "'" + program.string() + "' " + argument + " 2>/dev/null";
    if (program.string().find('\'') != std::string::npos)
        return "";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe)
        return "";
    std::string line;
    for (int c; (c = std::fgetc(pipe)) != EOF;) {
        if (c == '\n' && !line.empty())
            break;
        if (line.size() < kMaxVersionLine && c != '\n')
            line.push_back(static_cast<char>(c));
    }
    while (std::fgetc(pipe) != EOF) {
    }
    ::pclose(pipe);
    return line;
}
} // namespace

std::filesystem::path find_on_path(const Environment& environment, const std::string& name) {
    std::string path = environment.get("PATH").value_or("/usr/local/bin:/usr/bin:/bin");
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find(':', start);
        if (end == std::string::npos)
            end = path.size();
        std::string directory = path.substr(start, end - start);
        std::filesystem::path candidate =
            std::filesystem::path(directory.empty() ? "." : directory) / name;
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return {};
}

HostProfile host_profile(const Environment& environment,
                         const std::filesystem::path& executable_directory) {
    HostProfile profile;
    profile.ops_version = OPS_VERSION;
    struct utsname names {};
    if (::uname(&names) == 0) {
        profile.os = std::string(names.sysname) + " " + names.release;
        profile.arch = names.machine;
    }
    std::filesystem::path qemu = find_on_path(environment, kQemuBinary);
    if (!qemu.empty()) {
        profile.qemu_path = qemu.string();
        profile.qemu_version = first_line_of(qemu, "--version");
    }

    try {
        AccelRequest request = accel_request(true, environment);
        if (request == AccelRequest::ForceTcg) {
            profile.accel_reason = "turned off by OPS_ACCEL=tcg";
        } else {
            AccelDecision decision = decide_accel(request, probe_host_accel());
            profile.kvm = decision.accel == Accel::Kvm;
            profile.accel_reason = decision.notice;
            if (profile.accel_reason.starts_with("ops: "))
                profile.accel_reason.erase(0, 5);
        }
    } catch (const Error& error) {
        profile.accel_reason = error.message();
    }

    try {
        profile.kernel_path = find_kernel(Config{}, environment, executable_directory).string();
    } catch (const Error& error) {
        profile.kernel_problem = error.message();
    }
    return profile;
}

} // namespace ops
