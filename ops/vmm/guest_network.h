// guest_network.h: the guest's network interface as QEMU is asked to provide it: none, QEMU's
// user-mode network (slirp: NAT, DHCP, DNS, host port forwards) or a host tap device. Filled by
// cli/run.cpp and ops/instance from the Config; turned into -netdev/-device by qemu_args.cpp.
#pragma once

#include "ops/vmm/port_forward.h"

#include <string>
#include <vector>

namespace ops {

enum class NetworkMode {
    None, // no NIC at all
    User, // -netdev user: guest 10.0.2.15 by DHCP, gateway 10.0.2.2, DNS 10.0.2.3
    Tap,  // -netdev tap on an existing host tap device (hostnet/tap.h creates it)
};

struct GuestNetwork {
    NetworkMode mode = NetworkMode::None;
    std::string mac; // "52:54:00:xx:xx:xx" (random_guest_mac); empty: QEMU's default
    // User mode only.
    std::vector<PortForward> forwards;
    bool restrict = false; // the guest reaches nothing outside; forwards still work
    // User mode with a static IPv4 address: slirp's network is made the guest's subnet so the
    // address routes, and forwards target it. All empty: slirp's defaults (10.0.2.0/24).
    std::string user_net;   // "192.168.7.0/24"
    std::string user_host;  // slirp's own address: the guest's gateway
    std::string user_dns;   // slirp's DNS address, inside the subnet and unused by the guest
    std::string guest_ipv4; // the forward target
    // Tap mode only.
    std::string tap;
};

// A random locally administered unicast MAC in QEMU's 52:54:00 range.
std::string random_guest_mac();

} // namespace ops
