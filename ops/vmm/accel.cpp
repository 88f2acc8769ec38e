// accel.cpp: KVM probing and the KVM/TCG decision.
#include "ops/vmm/accel.h"

#include "ops/base/environment.h"
#include "ops/base/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace ops {

namespace {
constexpr const char* kTcgSuffix = ": using TCG emulation, expect slower boots";
}

bool cpuinfo_has_virtualization(const std::string& cpuinfo) {
    std::istringstream lines(cpuinfo);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("flags", 0) != 0)
            continue;
        auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        std::istringstream words(line.substr(colon + 1));
        std::string word;
        while (words >> word)
            if (word == "vmx" || word == "svm")
                return true;
    }
    return false;
}

AccelProbe probe_host_accel() {
    AccelProbe probe;
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::ostringstream text;
    text << cpuinfo.rdbuf();
    probe.cpu_has_virtualization = cpuinfo_has_virtualization(text.str());
    int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        probe.kvm_open_errno = errno;
    } else {
        ::close(fd);
    }
    return probe;
}

AccelDecision decide_accel(AccelRequest request, const AccelProbe& probe) {
    if (request == AccelRequest::ForceTcg)
        return {Accel::Tcg, ""};
    if (!probe.cpu_has_virtualization)
        return {Accel::Tcg, std::string("ops: KVM not available (the CPU shows no vmx/svm flag; "
                                        "in a VM, enable nested virtualization)") +
                                kTcgSuffix};
    switch (probe.kvm_open_errno) {
    case 0:
        return {Accel::Kvm, ""};
    case ENOENT:
    case ENODEV:
    case ENXIO:
        return {Accel::Tcg, std::string("ops: KVM not available (no /dev/kvm)") + kTcgSuffix};
    case EACCES:
    case EPERM:
        return {Accel::Tcg, std::string("ops: KVM not available (no permission to open /dev/kvm; "
                                        "add yourself to the kvm group)") +
                                kTcgSuffix};
    default:
        return {Accel::Tcg, std::string("ops: KVM not available (cannot open /dev/kvm: ") +
                                std::strerror(probe.kvm_open_errno) + ")" + kTcgSuffix};
    }
}

AccelRequest accel_request(bool config_accel, const Environment& environment) {
    auto forced = environment.get("OPS_ACCEL");
    if (forced && !forced->empty() && *forced != "tcg")
        throw Error("OPS_ACCEL=" + *forced + " is not understood",
                    "set OPS_ACCEL=tcg to force emulation, or unset it");
    if (!config_accel || (forced && *forced == "tcg"))
        return AccelRequest::ForceTcg;
    return AccelRequest::Auto;
}

} // namespace ops
