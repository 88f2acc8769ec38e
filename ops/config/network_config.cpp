// network_config.cpp: whole-config network checks.
#include "ops/config/network_config.h"

#include "ops/base/error.h"
#include "ops/config/ip_address.h"
#include "ops/hostnet/network.h"
#include "ops/hostnet/subnet.h"

namespace ops {

std::vector<PortForward> port_forwards(const RunConfig& run) {
    std::vector<PortForward> forwards =
        parse_port_specs(run.ports, Protocol::Tcp, "-p/--port (RunConfig.Ports)");
    for (const PortForward& forward :
         parse_port_specs(run.udp_ports, Protocol::Udp, "--udp (RunConfig.UDPPorts)"))
        forwards.push_back(forward);
    check_distinct_host_ports(forwards);
    return forwards;
}

GuestNetwork guest_network_for(const RunConfig& run, const std::string& tap) {
    GuestNetwork network;
    network.mac = random_guest_mac();
    if (uses_tap(run)) {
        network.mode = NetworkMode::Tap;
        network.tap = tap;
        return network;
    }
    network.mode = NetworkMode::User;
    network.forwards = port_forwards(run);
    if (!run.ip_address.empty()) {
        StaticIpv4 address = check_static_ipv4(run.ip_address, run.netmask, run.gateway);
        network.user_net = format_ipv4(address.network()) + "/" + std::to_string(address.prefix);
        network.user_host = format_ipv4(address.gateway);
        network.guest_ipv4 = format_ipv4(address.address);
        // slirp needs a DNS address of its own in the subnet: the first free one from .3 (its
        // usual place) up; a /30 has none besides the guest and gateway, so count down too.
        for (std::uint32_t candidate : {address.network() + 3, address.network() + 2,
                                        address.network() + 1, address.broadcast() - 1}) {
            if (candidate != address.address && candidate != address.gateway &&
                candidate > address.network() && candidate < address.broadcast()) {
                network.user_dns = format_ipv4(candidate);
                break;
            }
        }
        if (network.user_dns.empty())
            throw Error("--netmask " + format_ipv4(address.netmask) +
                            " leaves no address for QEMU's user network besides the guest and "
                            "its gateway",
                        "use a /29 or larger subnet (255.255.255.248), or --bridged");
    }
    return network;
}

bool uses_tap(const RunConfig& run) {
    return run.bridged || !run.tap_name.empty();
}

void check_network_config(const RunConfig& run) {
    std::vector<PortForward> forwards = port_forwards(run);
    check_static_ipv4(run.ip_address, run.netmask, run.gateway);
    if (!run.ipv6_address.empty() && !is_ipv6(run.ipv6_address))
        throw Error("invalid IPv6 address \"" + run.ipv6_address +
                        "\" for --ipv6-address (RunConfig.IPv6Address)",
                    "write it like fd00::10");
    if (!run.tap_name.empty() && !is_valid_bridge_name(run.tap_name))
        throw Error("invalid tap name \"" + run.tap_name +
                        "\" for -t/--tapname (RunConfig.TapName)",
                    "use 1-15 letters, digits, '_', '.' or '-'");
    if (!run.bridge_name.empty() && !is_valid_bridge_name(run.bridge_name))
        throw Error("invalid bridge name \"" + run.bridge_name +
                        "\" for --bridgename (RunConfig.BridgeName)",
                    "use 1-15 letters, digits, '_', '.' or '-'");
    if (!run.bridge_ip_address.empty()) {
        check_bridge_address(run.bridge_ip_address);
        if (!run.bridged)
            throw Error("--bridgeipaddress (RunConfig.BridgeIPAddress) needs --bridged",
                        "add -b, or leave the address out");
    }
    if (!run.bridge_name.empty() && run.bridge_name == run.tap_name)
        throw Error("the tap and the bridge are both named \"" + run.tap_name + "\"",
                    "give them different names");
    if (uses_tap(run) && !forwards.empty())
        throw Error("port forwards (-p/--udp, RunConfig.Ports/UDPPorts) work only with QEMU's user "
                    "network, not with a tap (--bridged/--tapname)",
                    "remove the ports: on a bridge the guest is reached at its own address");
}

} // namespace ops
