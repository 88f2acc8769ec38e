// Tests for ops/config/ip_address.cpp: strict address parsing and the static IPv4 checks.
#include "ops/config/ip_address.h"

#include "ops/base/error.h"
#include "ops/hostnet/subnet.h"

#include <gtest/gtest.h>

namespace ops {
namespace {

TEST(IpAddress, StrictDottedQuads) {
    EXPECT_EQ(parse_ipv4("10.0.2.15"), 0x0a00020fu);
    EXPECT_EQ(parse_ipv4("0.0.0.0"), 0u);
    EXPECT_EQ(parse_ipv4("255.255.255.255"), 0xffffffffu);
    for (const char* bad :
         {"", "10.0.2", "10.0.2.15.1", "10.0.2.256", "010.0.2.15", "10..2.15", " 10.0.2.15",
          "10.0.2.15 ", "1e1.0.0.1", "a.b.c.d", "10.0.2.-1", "10.0.2.15/24", "1000.0.0.1"})
        EXPECT_FALSE(parse_ipv4(bad)) << bad;
}

TEST(IpAddress, Ipv6) {
    EXPECT_TRUE(is_ipv6("fd00::10"));
    EXPECT_TRUE(is_ipv6("::1"));
    EXPECT_TRUE(is_ipv6("2001:db8:0:0:0:0:0:1"));
    for (const char* bad : {"", "fd00::10/64", "10.0.2.15", "fd00:::1", "g::1", "fd00::10 "})
        EXPECT_FALSE(is_ipv6(bad)) << bad;
}

TEST(IpAddress, NetmaskPrefix) {
    EXPECT_EQ(netmask_prefix(0xffffff00u), 24);
    EXPECT_EQ(netmask_prefix(0xffffffffu), 32);
    EXPECT_EQ(netmask_prefix(0), 0);
    EXPECT_EQ(netmask_prefix(0xfffffffcu), 30);
    EXPECT_FALSE(netmask_prefix(0xff00ff00u));
    EXPECT_FALSE(netmask_prefix(0x00ffffffu));
}

TEST(BridgeAddress, PrefixDefaultsTo24AndHostAddressesOnly) {
    EXPECT_EQ(check_bridge_address("192.168.33.1"), "192.168.33.1/24");
    EXPECT_EQ(check_bridge_address("10.9.0.254/16"), "10.9.0.254/16");
    for (const char* bad : {"", "192.168.33.0/24", "192.168.33.255", "10.0.0.1/31", "10.0.0.1/0",
                            "10.0.0.1/", "10.0.0.1/24x", "10.0.0/24", "10.0.0.1/100"})
        EXPECT_THROW(check_bridge_address(bad), Error) << bad;
}

TEST(StaticIpv4, DefaultsFollowTheKernel) {
    StaticIpv4 a = check_static_ipv4("192.168.7.20", "", "");
    EXPECT_EQ(format_ipv4(a.netmask), "255.255.255.0");
    EXPECT_EQ(a.prefix, 24);
    EXPECT_EQ(format_ipv4(a.gateway), "192.168.7.1");
    // The address is the subnet's first: the gateway is broadcast - 1 (manifest.md 4).
    StaticIpv4 b = check_static_ipv4("192.168.7.1", "", "");
    EXPECT_EQ(format_ipv4(b.gateway), "192.168.7.254");
    StaticIpv4 c = check_static_ipv4("10.1.2.3", "255.255.0.0", "10.1.0.254");
    EXPECT_EQ(c.prefix, 16);
    EXPECT_EQ(format_ipv4(c.gateway), "10.1.0.254");
    EXPECT_EQ(format_ipv4(c.network()), "10.1.0.0");
}

std::string error_of(const std::string& address, const std::string& netmask,
                     const std::string& gateway) {
    try {
        check_static_ipv4(address, netmask, gateway);
    } catch (const Error& e) {
        return e.message();
    }
    return "";
}

TEST(StaticIpv4, InconsistentSettingsAreOneLineErrors) {
    EXPECT_EQ(error_of("", "", ""), "");
    EXPECT_EQ(error_of("10.0.0.300", "", ""),
              "invalid IPv4 address \"10.0.0.300\" for --ip-address (RunConfig.IPAddress): write "
              "a dotted quad like 192.168.1.10");
    EXPECT_EQ(error_of("", "255.255.255.0", ""),
              "--netmask and --gateway need --ip-address (RunConfig.IPAddress): give the guest's "
              "address too, or leave them out to use DHCP");
    EXPECT_NE(error_of("10.0.0.5", "255.0.255.0", "").find("invalid netmask"), std::string::npos);
    EXPECT_NE(error_of("10.0.0.5", "255.255.255.255", "").find("invalid netmask"),
              std::string::npos);
    EXPECT_NE(error_of("10.0.0.0", "", "").find("is the network address"), std::string::npos);
    EXPECT_NE(error_of("10.0.0.255", "", "").find("is the broadcast address"), std::string::npos);
    EXPECT_EQ(error_of("10.0.0.5", "", "10.0.1.1"),
              "--gateway 10.0.1.1 is not a host address in the guest's subnet 10.0.0.0/24: give a "
              "gateway inside the subnet, or change --netmask");
    EXPECT_NE(error_of("10.0.0.5", "", "10.0.0.5").find("the guest's own address"),
              std::string::npos);
    EXPECT_NE(error_of("10.0.0.5", "", "gw").find("for --gateway (RunConfig.Gateway)"),
              std::string::npos);
}

} // namespace
} // namespace ops
