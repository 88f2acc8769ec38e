// Tests for ops/vmm/port_forward.cpp: the -p/--udp syntax, duplicate host ports, and the host
// port probe against sockets this test binds on loopback.
#include "ops/vmm/port_forward.h"

#include "ops/base/error.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ops {
namespace {

std::vector<PortForward> tcp(const std::vector<std::string>& values) {
    return parse_port_specs(values, Protocol::Tcp, "-p/--port");
}

std::string error_of(const std::vector<std::string>& values) {
    try {
        tcp(values);
    } catch (const Error& e) {
        return e.message();
    }
    return "";
}

TEST(PortSpecs, SamePortHostGuestMappingAndLists) {
    EXPECT_EQ(tcp({"8080"}), (std::vector<PortForward>{{8080, 8080}}));
    // The established ops's form: host 8080 to guest 80.
    EXPECT_EQ(tcp({"8080-80"}), (std::vector<PortForward>{{8080, 80}}));
    EXPECT_EQ(tcp({"8080:80"}), (std::vector<PortForward>{{8080, 80}}));
    EXPECT_EQ(tcp({"80,443", "9000-90"}),
              (std::vector<PortForward>{{80, 80}, {443, 443}, {9000, 90}}));
    EXPECT_EQ(tcp({"80, 443"}), (std::vector<PortForward>{{80, 80}, {443, 443}}));
    EXPECT_EQ(tcp({"1", "65535"}), (std::vector<PortForward>{{1, 1}, {65535, 65535}}));
    EXPECT_TRUE(tcp({}).empty());
}

TEST(PortSpecs, UdpCarriesItsProtocol) {
    auto udp = parse_port_specs({"5353-53"}, Protocol::Udp, "--udp");
    ASSERT_EQ(udp.size(), 1u);
    EXPECT_EQ(udp[0], (PortForward{5353, 53, Protocol::Udp}));
}

TEST(PortSpecs, MalformedItemsAreOneLineErrorsNamingTheItemAndFlag) {
    for (const char* bad : {"", "0", "65536", "80-", "-80", ":80", "a", "80,", ",80", "1-2-3",
                            "1:2:3", "08x", "80 443", "123456", "99999999999999999999", "+80"})
        EXPECT_THROW(tcp({bad}), Error) << bad;
    EXPECT_EQ(error_of({"80,http"}),
              "invalid port \"http\" for -p/--port: write it like -p 8080, -p 8080-80 (host 8080 "
              "to guest 80) or -p 80,443 (ports 1-65535)");
    EXPECT_EQ(error_of({"70000"}).find("invalid port \"70000\" for -p/--port"), 0u);
}

TEST(PortSpecs, DuplicateHostPortsAreRefusedPerProtocol) {
    EXPECT_THROW(check_distinct_host_ports(tcp({"8080", "8080-81"})), Error);
    EXPECT_THROW(check_distinct_host_ports(tcp({"8080,8080"})), Error);
    try {
        check_distinct_host_ports(tcp({"80", "80"}));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "host port 80/tcp is given twice");
    }
    // Same guest port from two host ports is fine, and TCP and UDP are separate.
    auto forwards = tcp({"8080-80", "8081-80"});
    forwards.push_back({8080, 80, Protocol::Udp});
    EXPECT_NO_THROW(check_distinct_host_ports(forwards));
}

TEST(PortSpecs, FormatGivesTheSyntaxBack) {
    EXPECT_EQ(format_port_specs(tcp({"8080-80,9000", "1:2"})), "8080-80,9000,1-2");
    EXPECT_EQ(format_port_specs({}), "");
}

// A socket bound to 127.0.0.1 on a free port the kernel picks.
class BoundSocket {
  public:
    BoundSocket(int type, bool listen) {
        m_fd = ::socket(AF_INET, type, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        if (listen)
            EXPECT_EQ(::listen(m_fd, 1), 0);
        socklen_t length = sizeof address;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin_port);
    }
    ~BoundSocket() { close(); }
    void close() {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }
    std::uint16_t port() const { return m_port; }

  private:
    int m_fd = -1;
    std::uint16_t m_port = 0;
};

TEST(HostPorts, ABusyTcpPortIsReportedWithItsOwner) {
    BoundSocket listener(SOCK_STREAM, true);
    PortForward forward{listener.port(), 80, Protocol::Tcp};
    auto reason = host_port_unavailable(forward);
    ASSERT_TRUE(reason);
    EXPECT_EQ(reason->rfind("is already in use", 0), 0u) << *reason;
    // This test process holds it; the probe finds it through /proc like lsof.
    EXPECT_NE(reason->find("pid " + std::to_string(::getpid())), std::string::npos) << *reason;
    try {
        check_host_ports_available({{8, 8, Protocol::Udp}, forward});
    } catch (const Error& e) {
        std::string message = e.message();
        EXPECT_EQ(message.rfind("host port " + std::to_string(listener.port()) +
                                    "/tcp on 127.0.0.1 is already in use",
                                0),
                  0u)
            << message;
    }
    listener.close();
    EXPECT_FALSE(host_port_unavailable(forward));
}

TEST(HostPorts, ABusyUdpPortIsReported) {
    BoundSocket socket(SOCK_DGRAM, false);
    PortForward forward{socket.port(), 53, Protocol::Udp};
    ASSERT_TRUE(host_port_unavailable(forward));
    // The TCP port of the same number is a different port.
    EXPECT_FALSE(host_port_unavailable({socket.port(), 53, Protocol::Tcp}));
    socket.close();
    EXPECT_FALSE(host_port_unavailable(forward));
}

} // namespace
} // namespace ops
