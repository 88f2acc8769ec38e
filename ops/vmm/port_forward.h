// port_forward.h: host-to-guest port forwards for QEMU's user network: the -p/--port and --udp
// syntax (also RunConfig.Ports/UDPPorts), and whether a host port can be taken right now.
// Forwards listen on 127.0.0.1 only (kForwardAddress).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ops {

enum class Protocol { Tcp, Udp };
const char* protocol_name(Protocol protocol); // "tcp", "udp"

// Forwards listen on loopback: `curl 127.0.0.1:H` works, other machines cannot reach the guest
// (use --bridged for that).
inline constexpr const char* kForwardAddress = "127.0.0.1";

// One port forwarded from 127.0.0.1:host on the host to guest in the guest.
struct PortForward {
    std::uint16_t host = 0;
    std::uint16_t guest = 0;
    Protocol protocol = Protocol::Tcp;
    bool operator==(const PortForward&) const = default;
};

// Parses port specs: each value is a comma-separated list of "PORT" (the same port on both
// sides), "HOST-GUEST" (the established ops's form: 8080-80 is host 8080 to guest 80) or
// "HOST:GUEST". Ports are 1-65535. `option` names the flag in messages ("-p/--port").
// Throws ops::Error on a malformed item.
std::vector<PortForward> parse_port_specs(const std::vector<std::string>& values, Protocol protocol,
                                          const std::string& option);

// Throws ops::Error when one host port appears twice for the same protocol.
void check_distinct_host_ports(const std::vector<PortForward>& forwards);

// The spec syntax back ("8080-80,9000"), for listings and OPS_PORT-like summaries.
std::string format_port_specs(const std::vector<PortForward>& forwards);

// Why a host port cannot be forwarded right now, or nullopt when it can: binds a socket of the
// forward's protocol on 127.0.0.1 the way QEMU will (TCP with SO_REUSEADDR, so sockets in
// TIME_WAIT do not count) and closes it again. The reason is a sentence part such as
// "is already in use (by pid 1234, python3)" or "is privileged (below 1024) and ops is not root".
std::optional<std::string> host_port_unavailable(const PortForward& forward);

// Throws ops::Error naming the first forward whose host port cannot be taken.
void check_host_ports_available(const std::vector<PortForward>& forwards);

} // namespace ops
