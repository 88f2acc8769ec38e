// ip_address.h: the text forms of guest addresses users give (--ip-address, --netmask,
// --gateway, --ipv6-address, NameServers) and the IPv4 arithmetic the static-address checks and
// QEMU's user network need. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ops {

// The netmask the kernel assumes when none is given (manifest.md 4).
inline constexpr const char* kDefaultNetmask = "255.255.255.0";

// A strict dotted quad: four decimal octets 0-255, no leading zeros (which some parsers read as
// octal), no spaces. Returns the address in host byte order.
std::optional<std::uint32_t> parse_ipv4(std::string_view text);
// Any IPv6 text form inet_pton accepts ("fd00::5", "::ffff:1.2.3.4"); no prefix length.
bool is_ipv6(std::string_view text);
// The prefix length of a contiguous netmask (255.255.255.0 -> 24), nullopt when not contiguous.
std::optional<int> netmask_prefix(std::uint32_t netmask);

// One guest interface's static IPv4 setup, checked and with the kernel's defaults applied
// (manifest.md 4): netmask 255.255.255.0; gateway network+1, or broadcast-1 when that is the
// address itself.
struct StaticIpv4 {
    std::uint32_t address = 0;
    std::uint32_t netmask = 0;
    std::uint32_t gateway = 0;
    int prefix = 24;

    std::uint32_t network() const { return address & netmask; }
    std::uint32_t broadcast() const { return network() | ~netmask; }
};

// Checks --bridgeipaddress (RunConfig.BridgeIPAddress): "A.B.C.D/N" or "A.B.C.D" (/24), prefix
// 1-30, a host address of its subnet. Returns it with the prefix ("192.168.33.1/24"). Throws
// ops::Error naming the flag.
std::string check_bridge_address(const std::string& text);

// Checks the --ip-address/--netmask/--gateway triple (empty strings: not given) and applies the
// defaults. Throws ops::Error naming the flag and the config field when a value is not an
// address, the netmask is not contiguous or leaves no room for a host, the address is the
// network or broadcast address, or the gateway is outside the subnet or equals the address.
StaticIpv4 check_static_ipv4(const std::string& address, const std::string& netmask,
                             const std::string& gateway);

} // namespace ops
