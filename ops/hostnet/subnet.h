// subnet.h: IPv4 subnets for host networks: parsing "10.3.0.0/24", the gateway (.1) the bridge
// takes, and the DHCP range handed to dnsmasq. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ops {

// Prefixes outside this range make no sense for one bridge: /8 hands out 16 M leases, and /30
// leaves one guest address.
inline constexpr int kMinSubnetPrefix = 8;
inline constexpr int kMaxSubnetPrefix = 29;

struct Subnet {
    std::uint32_t network = 0;  // host order, host bits zero
    int prefix = 24;

    std::uint32_t gateway() const { return network + 1; }
    std::uint32_t broadcast() const { return network | (~std::uint32_t(0) >> prefix); }
    std::uint32_t dhcp_first() const { return network + 2; }
    std::uint32_t dhcp_last() const { return broadcast() - 1; }
    bool overlaps(const Subnet& other) const;
    std::string to_string() const;  // "10.3.0.0/24"
    bool operator==(const Subnet&) const = default;
};

// "a.b.c.d/p"; host bits may be set ("192.168.33.1/24", the established ops's default) and are
// cleared. Throws ops::Error.
Subnet parse_subnet(std::string_view text);
std::string format_ipv4(std::uint32_t address);

} // namespace ops
