// net_traffic_test.cpp: traffic between the host and a program in the VM through ops's
// user-mode networking, on loopback only: a Go net/http server reached through -p, 100 MiB
// echoed byte-exact by a C server, UDP echo through --udp, a Go client in the VM fetching from a
// server on the host by a name from a shipped /etc/hosts, and a static address.
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <thread>

namespace vm {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A port nothing listens on right now (the kernel's pick, released).
std::uint16_t free_port(int type = SOCK_STREAM) {
    int s = socket(AF_INET, type, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t length = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &length);
    close(s);
    return ntohs(a.sin_port);
}

int connect_loopback(std::uint16_t port) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(s);
        return -1;
    }
    timeval timeout{10, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return s;
}

// One HTTP/1.0 GET; the whole response, or "" when the connection failed or was closed
// without an answer (QEMU accepts on the host before the guest listens).
std::string http_get_once(std::uint16_t port, const std::string& path) {
    int s = connect_loopback(port);
    if (s < 0)
        return "";
    std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
    std::string response;
    if (write(s, request.data(), request.size()) == ssize_t(request.size())) {
        char buffer[4096];
        ssize_t n;
        while ((n = read(s, buffer, sizeof buffer)) > 0)
            response.append(buffer, size_t(n));
    }
    close(s);
    return response;
}

// Retries until the guest answers or the deadline passes.
std::string http_get(std::uint16_t port, const std::string& path, std::chrono::seconds wait = 45s) {
    auto deadline = Clock::now() + wait;
    while (Clock::now() < deadline) {
        std::string response = http_get_once(port, path);
        if (!response.empty())
            return response;
        std::this_thread::sleep_for(200ms);
    }
    return "";
}

std::future<RunResult> start_ops(std::vector<std::string> args, RunOptions options = {}) {
    return std::async(std::launch::async,
                      [args = std::move(args), options] { return run_ops(args, options); });
}

TEST(NetTraffic, GoHttpServerAnswersThroughPortForward) {
    std::uint16_t port = free_port();
    auto run = start_ops({"run", app("go-httpserver"), "-p", std::to_string(port) + "-8080"});
    std::string hello = http_get(port, "/hello");
    EXPECT_NE(hello.find("200 OK"), std::string::npos) << hello;
    EXPECT_NE(hello.find("hello from ops, path /hello"), std::string::npos) << hello;
    std::string sum = http_get(port, "/sum?n=1000", 10s);
    EXPECT_NE(sum.find("sum 500500"), std::string::npos) << sum;
    http_get(port, "/quit", 10s);
    RunResult r = run.get();
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"assigned: 10.0.2.15", "listening on :8080"}))
        << r.describe();
}

TEST(NetTraffic, TcpEchoOfHundredMebibytesIsByteExact) {
    std::uint16_t port = free_port();
    auto run = start_ops({"run", app("tcp_echo-static"), "-p", std::to_string(port), "-a",
                          std::to_string(port), "-a", "1"},
                         RunOptions{.cwd = {}, .timeout = 120s});
    // Connected once one byte comes back (before the guest listens QEMU closes the connection).
    int s = -1;
    auto deadline = Clock::now() + 45s;
    while (Clock::now() < deadline && s < 0) {
        s = connect_loopback(port);
        char byte = 0;
        if (s >= 0 && (write(s, "\x5a", 1) != 1 || read(s, &byte, 1) != 1 || byte != 0x5a)) {
            close(s);
            s = -1;
            std::this_thread::sleep_for(200ms);
        }
    }
    ASSERT_GE(s, 0) << "the echo server never answered";

    constexpr std::size_t TOTAL = 100u << 20;
    auto pattern = [](std::size_t i) { return static_cast<char>((i * 131 + (i >> 12)) & 0xff); };
    std::thread writer([&] {
        std::vector<char> block(256 * 1024);
        for (std::size_t sent = 0; sent < TOTAL;) {
            std::size_t n = std::min(block.size(), TOTAL - sent);
            for (std::size_t i = 0; i < n; i++)
                block[i] = pattern(sent + i);
            ssize_t w = write(s, block.data(), n);
            if (w <= 0)
                return;
            sent += std::size_t(w);
        }
        shutdown(s, SHUT_WR);
    });
    std::size_t received = 0, mismatches = 0;
    std::vector<char> buffer(256 * 1024);
    ssize_t n;
    while ((n = read(s, buffer.data(), buffer.size())) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if (buffer[size_t(i)] != pattern(received + size_t(i)))
                mismatches++;
        received += std::size_t(n);
    }
    writer.join();
    close(s);
    EXPECT_EQ(received, TOTAL);
    EXPECT_EQ(mismatches, 0u);
    RunResult r = run.get();
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"connection done: 104857601 bytes"}))
        << r.describe();
}

TEST(NetTraffic, UdpEchoThroughUdpForward) {
    std::uint16_t port = free_port(SOCK_DGRAM);
    auto run = start_ops({"run", app("tcp_echo-static"), "--udp", std::to_string(port), "-a",
                          std::to_string(port), "-a", "3", "-a", "udp"});
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int echoed = 0;
    auto deadline = Clock::now() + 45s;
    while (echoed < 3 && Clock::now() < deadline) {
        std::string datagram = "datagram " + std::to_string(echoed);
        sendto(s, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
        pollfd pfd{s, POLLIN, 0};
        if (poll(&pfd, 1, 500) == 1) {
            char buffer[64];
            ssize_t got = recv(s, buffer, sizeof buffer, 0);
            if (got == ssize_t(datagram.size()) && std::string(buffer, size_t(got)) == datagram)
                echoed++;
        }
    }
    close(s);
    EXPECT_EQ(echoed, 3);
    RunResult r = run.get();
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"echoed 3 datagrams"})) << r.describe();
}

// A one-page HTTP server on the host's loopback, serving until stopped.
class HostServer {
  public:
    HostServer() {
        m_socket = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(m_socket, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(m_socket, reinterpret_cast<sockaddr*>(&a), sizeof a);
        listen(m_socket, 8);
        socklen_t length = sizeof a;
        getsockname(m_socket, reinterpret_cast<sockaddr*>(&a), &length);
        m_port = ntohs(a.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~HostServer() {
        m_stop = true;
        m_thread.join();
        close(m_socket);
    }
    std::uint16_t port() const { return m_port; }
    int requests() const { return m_requests; }

  private:
    void serve() {
        while (!m_stop) {
            pollfd pfd{m_socket, POLLIN, 0};
            if (poll(&pfd, 1, 100) != 1)
                continue;
            int c = accept4(m_socket, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0)
                continue;
            char buffer[4096];
            ssize_t n = read(c, buffer, sizeof buffer);
            if (n > 0) {
                m_requests++;
                const char reply[] = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                                     "Content-Length: 20\r\n\r\nhello from the host\n";
                (void)!write(c, reply, sizeof reply - 1);
            }
            close(c);
        }
    }

    int m_socket = -1;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_requests{0};
    std::thread m_thread;
};

TEST(NetTraffic, GuestFetchesFromTheHostByANameInShippedEtcHosts) {
    HostServer server;
    TempDir dir;
    dir.write_file("etc/hosts", "127.0.0.1 localhost\n10.0.2.2 hostbox\n");
    dir.write_file("config.json", R"({"Files": ["etc/hosts"]})");
    RunResult r = run_ops({"run", app("go-httpget"), "-c", "config.json", "-a",
                           "http://hostbox:" + std::to_string(server.port()) + "/page"},
                          RunOptions{.cwd = dir.path(), .timeout = 60s});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"status 200", "hello from the host"}))
        << r.describe();
    EXPECT_EQ(server.requests(), 1);
}

TEST(NetTraffic, StaticAddressFromTheCommandLine) {
    std::uint16_t port = free_port();
    auto run =
        start_ops({"run", app("go-httpserver"), "--ip-address", "10.0.2.20", "--gateway",
                   "10.0.2.2", "--netmask", "255.255.255.0", "-p", std::to_string(port) + "-8080"});
    std::string hello = http_get(port, "/static");
    EXPECT_NE(hello.find("hello from ops, path /static"), std::string::npos) << hello;
    http_get(port, "/quit", 10s);
    RunResult r = run.get();
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"assigned: 10.0.2.20"})) << r.describe();
    EXPECT_TRUE(no_line_starting_with(r.out_lines(), "assigned: 10.0.2.15")) << r.describe();
}

} // namespace
} // namespace vm
