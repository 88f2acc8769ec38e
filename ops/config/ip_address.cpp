// ip_address.cpp: address parsing and the static IPv4 consistency checks.
#include "ops/config/ip_address.h"

#include "ops/base/error.h"
#include "ops/hostnet/subnet.h"

#include <arpa/inet.h>
#include <charconv>

namespace ops {

namespace {

// A /31 or /32 leaves no address besides the guest's own for a gateway.
constexpr int kMaxStaticPrefix = 30;

std::uint32_t checked_address(const std::string& text, const char* flag, const char* field) {
    auto value = parse_ipv4(text);
    if (!value)
        throw Error(std::string("invalid IPv4 address \"") + text + "\" for " + flag + " (" +
                        field + ")",
                    "write a dotted quad like 192.168.1.10");
    return *value;
}

} // namespace

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
    std::uint32_t value = 0;
    for (int part = 0; part < 4; ++part) {
        auto dot = text.find('.');
        if ((part < 3) == (dot == std::string_view::npos))
            return std::nullopt;
        std::string_view octet = text.substr(0, dot);
        if (octet.empty() || octet.size() > 3 || (octet.size() > 1 && octet[0] == '0'))
            return std::nullopt;
        unsigned number = 0;
        auto [end, error] = std::from_chars(octet.data(), octet.data() + octet.size(), number);
        if (error != std::errc() || end != octet.data() + octet.size() || number > 255)
            return std::nullopt;
        value = (value << 8) | number;
        text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    }
    return value;
}

bool is_ipv6(std::string_view text) {
    if (text.empty() || text.size() > INET6_ADDRSTRLEN)
        return false;
    std::string copy(text);
    unsigned char buffer[16];
    return ::inet_pton(AF_INET6, copy.c_str(), buffer) == 1;
}

std::optional<int> netmask_prefix(std::uint32_t netmask) {
    int prefix = 0;
    while (prefix < 32 && (netmask & (0x80000000u >> prefix)))
        ++prefix;
    std::uint32_t expected = prefix == 0 ? 0 : ~std::uint32_t(0) << (32 - prefix);
    if (netmask != expected)
        return std::nullopt;
    return prefix;
}

std::string check_bridge_address(const std::string& text) {
    auto fail = [&] {
        throw Error("invalid bridge address \"" + text +
                        "\" for --bridgeipaddress (RunConfig.BridgeIPAddress)",
                    "write it like 192.168.33.1/24 (a host address of the subnet, prefix 1-30)");
    };
    auto slash = text.find('/');
    auto address = parse_ipv4(text.substr(0, slash));
    int prefix = 24;
    if (slash != std::string::npos) {
        std::string digits = text.substr(slash + 1);
        auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (digits.empty() || digits.size() > 2 || error != std::errc() ||
            end != digits.data() + digits.size())
            fail();
    }
    if (!address || prefix < 1 || prefix > kMaxStaticPrefix)
        fail();
    std::uint32_t host_bits = ~std::uint32_t(0) >> prefix;
    if ((*address & host_bits) == 0 || (*address & host_bits) == host_bits)
        fail();
    return format_ipv4(*address) + "/" + std::to_string(prefix);
}

StaticIpv4 check_static_ipv4(const std::string& address, const std::string& netmask,
                             const std::string& gateway) {
    if (address.empty()) {
        if (!netmask.empty() || !gateway.empty())
            throw Error("--netmask and --gateway need --ip-address (RunConfig.IPAddress)",
                        "give the guest's address too, or leave them out to use DHCP");
        return {};
    }
    StaticIpv4 result;
    result.address = checked_address(address, "--ip-address", "RunConfig.IPAddress");
    result.netmask = checked_address(netmask.empty() ? kDefaultNetmask : netmask, "--netmask",
                                     "RunConfig.NetMask");
    auto prefix = netmask_prefix(result.netmask);
    if (!prefix || *prefix == 0 || *prefix > kMaxStaticPrefix)
        throw Error("invalid netmask \"" + netmask + "\" for --netmask (RunConfig.NetMask)",
                    "use contiguous ones from /1 to /30, like 255.255.255.0");
    result.prefix = *prefix;
    if (result.address == result.network() || result.address == result.broadcast())
        throw Error("--ip-address " + address + " is the " +
                        (result.address == result.network() ? "network" : "broadcast") +
                        " address of " + format_ipv4(result.network()) + "/" +
                        std::to_string(result.prefix),
                    "pick an address inside the subnet");
    if (gateway.empty()) {
        result.gateway = result.network() + 1;
        if (result.gateway == result.address)
            result.gateway = result.broadcast() - 1;
    } else {
        result.gateway = checked_address(gateway, "--gateway", "RunConfig.Gateway");
        if ((result.gateway & result.netmask) != result.network() ||
            result.gateway == result.network() || result.gateway == result.broadcast())
            throw Error("--gateway " + gateway + " is not a host address in the guest's subnet " +
                            format_ipv4(result.network()) + "/" + std::to_string(result.prefix),
                        "give a gateway inside the subnet, or change --netmask");
        if (result.gateway == result.address)
            throw Error("--gateway " + gateway + " is the guest's own address",
                        "give the router's address");
    }
    return result;
}

} // namespace ops
