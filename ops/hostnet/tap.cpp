// tap.cpp: tap and bridge set-up and tear-down through iproute2 (hostnet/command_runner.h).
#include "ops/hostnet/tap.h"

#include "ops/base/error.h"

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace ops {

namespace {

constexpr int kCapNetAdmin = 12; // linux/capability.h

std::string command_text(const std::vector<std::string>& argv) {
    std::string text;
    for (const auto& argument : argv)
        text += (text.empty() ? "" : " ") + argument;
    return text;
}

bool effective_net_admin() {
    if (::geteuid() == 0)
        return true;
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("CapEff:", 0) != 0)
            continue;
        unsigned long long capabilities = std::strtoull(line.c_str() + 7, nullptr, 16);
        return (capabilities >> kCapNetAdmin) & 1;
    }
    return false;
}

class Steps {
  public:
    explicit Steps(const TapHost& host) : m_host(host) {}

    bool exists(const std::string& interface) const {
        return m_host.run({"ip", "link", "show", "dev", interface}).exit_status == 0;
    }

    // The bridge `interface` is in ("" for none), from `ip -o link show`'s "master NAME".
    std::string master_of(const std::string& interface) const {
        CommandResult result = m_host.run({"ip", "-o", "link", "show", "dev", interface});
        auto at = result.output.find(" master ");
        if (result.exit_status != 0 || at == std::string::npos)
            return "";
        auto start = at + 8;
        return result.output.substr(start, result.output.find(' ', start) - start);
    }

    void run(const std::vector<std::string>& argv) const {
        CommandResult result = m_host.run(argv);
        if (result.exit_status == 127)
            throw Error("ip was not found", "install iproute2 (apt-get install iproute2)");
        if (result.exit_status != 0)
            throw Error("`" + command_text(argv) + "` failed (status " +
                            std::to_string(result.exit_status) + "): " + result.output,
                        result.output.find("Operation not permitted") != std::string::npos
                            ? "bridged networking needs root (or CAP_NET_ADMIN): run with sudo"
                            : "see the message");
    }

  private:
    const TapHost& m_host;
};

} // namespace

TapHost TapHost::real() {
    TapHost host;
    host.run = run_command;
    host.has_net_admin = effective_net_admin;
    host.tun_available = [] { return ::access("/dev/net/tun", F_OK) == 0; };
    return host;
}

TapSetup set_up_tap(const std::string& tap, const std::string& bridge, const TapHost& host,
                    const std::string& bridge_address) {
    if (!host.tun_available())
        throw Error("/dev/net/tun does not exist, so QEMU cannot use a tap device",
                    "load the tun module (modprobe tun), or drop --bridged/--tapname to use "
                    "QEMU's user network");
    Steps steps(host);
    TapSetup setup;
    setup.tap = tap;
    setup.bridge = bridge;
    bool tap_exists = steps.exists(tap);
    bool bridge_exists = bridge.empty() || steps.exists(bridge);
    std::string master = tap_exists ? steps.master_of(tap) : "";
    if (!bridge.empty() && !master.empty() && master != bridge)
        throw Error("tap " + tap + " is already in bridge " + master + ", not " + bridge,
                    "use --bridgename " + master + ", or another --tapname");
    bool attach = !bridge.empty() && master != bridge;
    if ((!tap_exists || !bridge_exists || attach) && !host.has_net_admin()) {
        std::string what = !tap_exists      ? "creating tap " + tap
                           : !bridge_exists ? "creating bridge " + bridge
                                            : "putting tap " + tap + " into bridge " + bridge;
        throw Error(what + " needs root (or CAP_NET_ADMIN)",
                    "run ops with sudo, or create it beforehand (sudo ip tuntap add dev " + tap +
                        " mode tap user $USER)");
    }
    try {
        if (!bridge_exists) {
            try {
                steps.run({"ip", "link", "add", "name", bridge, "type", "bridge"});
                setup.created_bridge = true;
            } catch (const Error&) {
                if (!steps.exists(bridge)) // another ops created it meanwhile: use that one
                    throw;
            }
            if (setup.created_bridge && !bridge_address.empty())
                steps.run({"ip", "address", "add", bridge_address, "dev", bridge});
            steps.run({"ip", "link", "set", "dev", bridge, "up"});
        }
        if (!tap_exists) {
            steps.run({"ip", "tuntap", "add", "dev", tap, "mode", "tap"});
            setup.created_tap = true;
        }
        if (attach) {
            steps.run({"ip", "link", "set", "dev", tap, "master", bridge});
            setup.attached_tap = !setup.created_tap;
        }
        if (setup.created_tap || attach)
            steps.run({"ip", "link", "set", "dev", tap, "up"});
    } catch (...) {
        tear_down_tap(setup, host);
        throw;
    }
    return setup;
}

std::string tear_down_tap(const TapSetup& setup, const TapHost& host) {
    std::string failures;
    auto attempt = [&](const std::vector<std::string>& argv) {
        CommandResult result = host.run(argv);
        if (result.exit_status != 0)
            failures +=
                (failures.empty() ? "" : "; ") + ("`" + command_text(argv) + "`: ") + result.output;
    };
    if (setup.created_tap)
        attempt({"ip", "link", "delete", "dev", setup.tap});
    else if (setup.attached_tap)
        attempt({"ip", "link", "set", "dev", setup.tap, "nomaster"});
    if (setup.created_bridge) {
        // Another run or instance may have put its own tap into the bridge meanwhile.
        CommandResult members = host.run({"ip", "-o", "link", "show", "master", setup.bridge});
        if (members.exit_status == 0 && members.output.empty())
            attempt({"ip", "link", "delete", "dev", setup.bridge});
    }
    return failures;
}

HostTap::HostTap(const std::string& tap, const std::string& bridge,
                 const std::string& bridge_address, TapHost host)
    : m_host(std::move(host)), m_setup(set_up_tap(tap, bridge, m_host, bridge_address)) {}

HostTap::~HostTap() {
    if (m_released)
        return;
    std::string failures = tear_down_tap(m_setup, m_host);
    if (!failures.empty())
        std::fprintf(stderr, "ops: warning: could not remove the tap set-up: %s\n",
                     failures.c_str());
}

TapSetup HostTap::release() {
    m_released = true;
    return m_setup;
}

std::string default_tap_name() {
    return "opstap" + std::to_string(::getpid());
}

} // namespace ops
