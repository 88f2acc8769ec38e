// network_config.h: the network part of a resolved Config, checked as a whole (each field was
// already checked on its own where it was read) and turned into the forwards to set up.
#pragma once

#include "ops/config/config.h"
#include "ops/vmm/guest_network.h"
#include "ops/vmm/port_forward.h"

#include <vector>

namespace ops {

// Throws ops::Error with one line naming the flag (and config field) when: a port spec is
// malformed or a host port is given twice for one protocol; the static IPv4 triple is
// inconsistent (ip_address.h); the IPv6 address is malformed; a tap or bridge name is not a
// valid interface name; or ports are forwarded in tap mode, where the guest has its own address.
void check_network_config(const RunConfig& run);

// Ports then UDPPorts, parsed. Throws ops::Error like check_network_config.
std::vector<PortForward> port_forwards(const RunConfig& run);

// The NIC for a checked RunConfig, with a fresh random MAC. User mode: the forwards, and with a
// static IPv4 address slirp's network set to the guest's subnet (gateway = slirp's address) so
// the address routes and forwards reach it. Tap mode: the tap is `tap` (hostnet/tap.h made it).
GuestNetwork guest_network_for(const RunConfig& run, const std::string& tap);

// Whether the guest's NIC is a host tap (--bridged or --tapname) rather than QEMU's user network.
bool uses_tap(const RunConfig& run);

} // namespace ops
