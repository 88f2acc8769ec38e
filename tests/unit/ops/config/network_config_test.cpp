// Tests for ops/config/network_config.cpp: whole-config network checks and the NIC a run gets.
#include "ops/config/network_config.h"

#include "ops/base/error.h"

#include <gtest/gtest.h>

#include <regex>

namespace ops {
namespace {

std::string error_of(const RunConfig& run) {
    try {
        check_network_config(run);
    } catch (const Error& e) {
        return e.message();
    }
    return "";
}

TEST(NetworkConfig, DefaultIsUserNetworkingWithARandomMac) {
    RunConfig run;
    EXPECT_EQ(error_of(run), "");
    GuestNetwork network = guest_network_for(run, "");
    EXPECT_EQ(network.mode, NetworkMode::User);
    EXPECT_TRUE(network.forwards.empty());
    EXPECT_FALSE(network.restrict);
    EXPECT_TRUE(
        std::regex_match(network.mac, std::regex("52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}")))
        << network.mac;
    EXPECT_TRUE(network.user_net.empty());
    EXPECT_TRUE(network.guest_ipv4.empty());
}

TEST(NetworkConfig, PortsAndUdpPortsBecomeForwards) {
    RunConfig run;
    run.ports = {"8080-80", "443"};
    run.udp_ports = {"5353-53"};
    GuestNetwork network = guest_network_for(run, "");
    EXPECT_EQ(network.forwards, (std::vector<PortForward>{{8080, 80, Protocol::Tcp},
                                                          {443, 443, Protocol::Tcp},
                                                          {5353, 53, Protocol::Udp}}));
}

TEST(NetworkConfig, StaticAddressMovesTheUserNetworkToItsSubnet) {
    RunConfig run;
    run.ip_address = "192.168.7.20";
    run.ports = {"8080-80"};
    GuestNetwork network = guest_network_for(run, "");
    EXPECT_EQ(network.user_net, "192.168.7.0/24");
    EXPECT_EQ(network.user_host, "192.168.7.1");
    EXPECT_EQ(network.user_dns, "192.168.7.3");
    EXPECT_EQ(network.guest_ipv4, "192.168.7.20");

    run.ip_address = "192.168.7.3"; // slirp's usual DNS address is taken: the next free one
    run.gateway = "192.168.7.2";
    network = guest_network_for(run, "");
    EXPECT_EQ(network.user_dns, "192.168.7.1");

    run.ip_address = "10.9.9.1";
    run.netmask = "255.255.255.252";
    run.gateway = "";
    EXPECT_THROW(guest_network_for(run, ""), Error); // a /30 has no room for slirp's DNS
}

TEST(NetworkConfig, TapMode) {
    RunConfig run;
    run.bridged = true;
    GuestNetwork network = guest_network_for(run, "opstap12");
    EXPECT_EQ(network.mode, NetworkMode::Tap);
    EXPECT_EQ(network.tap, "opstap12");
    EXPECT_FALSE(network.mac.empty());
    EXPECT_TRUE(uses_tap(run));
    run.bridged = false;
    run.tap_name = "tap7";
    EXPECT_TRUE(uses_tap(run));
}

TEST(NetworkConfig, ErrorsNameTheFlagAndField) {
    RunConfig run;
    run.ports = {"80", "80"};
    EXPECT_EQ(error_of(run),
              "host port 80/tcp is given twice: forward each host port once (-p HOST-GUEST picks "
              "another host port)");
    run = {};
    run.udp_ports = {"x"};
    EXPECT_NE(error_of(run).find("invalid port \"x\" for --udp (RunConfig.UDPPorts)"),
              std::string::npos);
    run = {};
    run.ipv6_address = "fd00::1/64";
    EXPECT_NE(error_of(run).find("for --ipv6-address (RunConfig.IPv6Address)"), std::string::npos);
    run = {};
    run.tap_name = "a-very-long-tap-name";
    EXPECT_NE(error_of(run).find("invalid tap name"), std::string::npos);
    run = {};
    run.bridged = true;
    run.bridge_name = "br 0";
    EXPECT_NE(error_of(run).find("invalid bridge name"), std::string::npos);
    run = {};
    run.bridged = true;
    run.ports = {"80"};
    EXPECT_NE(error_of(run).find("work only with QEMU's user network"), std::string::npos);
    run = {};
    run.tap_name = "x0";
    run.bridge_name = "x0";
    EXPECT_NE(error_of(run).find("both named"), std::string::npos);
}

} // namespace
} // namespace ops
