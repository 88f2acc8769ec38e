// net_offload_test.cpp: traffic over a tap, where virtio-net offers the offloads the user network
// does not (checksums both ways, large TCP segments both ways for IPv4 and to the guest for
// IPv6; kernel/dev/virtio/net). The guest (tcp_echo) is bridged into a network namespace the
// test makes and removes; the host side of each exchange runs in a child process that enters
// the namespace. Bytes must come back exact:
// over IPv4 and IPv6 TCP in both directions at once, and UDP datagrams larger than the MTU (the
// guest fragments its replies itself when large segments are on).
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <functional>
#include <future>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace vm {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const char* const GUEST_V4 = "10.79.0.2";
const char* const GUEST_V6 = "fd00:79::2";

std::string find_ip() {
    for (const char* path : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"})
        if (::access(path, X_OK) == 0)
            return path;
    return "";
}

// A network namespace with a bridge holding the host's addresses, deleted (with everything in
// it: the bridge, the guest's tap) on destruction.
class Namespace {
  public:
    explicit Namespace(std::string ip) : m_ip(std::move(ip)) {
        m_name = "ops-offload-test-" + std::to_string(::getpid());
        m_created = run_here(m_ip + " netns add " + m_name) == 0;
        if (m_created)
            m_ready = run("link set lo up") == 0 && run("link add obr0 type bridge") == 0 &&
                      run("addr add 10.79.0.1/24 dev obr0") == 0 &&
                      run("addr add fd00:79::1/64 dev obr0 nodad") == 0 &&
                      run("link set obr0 up") == 0;
    }
    ~Namespace() {
        if (m_created)
            run_here(m_ip + " netns delete " + m_name);
    }
    bool ready() const { return m_ready; }
    const std::string& name() const { return m_name; }

  private:
    static int run_here(const std::string& command) {
        return std::system((command + " >/dev/null 2>&1").c_str());
    }
    int run(const std::string& ip_arguments) const {
        return run_here(m_ip + " -n " + m_name + " " + ip_arguments);
    }
    std::string m_ip, m_name;
    bool m_created = false, m_ready = false;
};

// Runs `body` in a child process inside the namespace; its exit status (0: the body returned
// true), or -1 when it did not finish within `timeout` (then it is killed).
int in_namespace(const Namespace& ns, std::chrono::seconds timeout,
                 const std::function<bool()>& body) {
    pid_t pid = ::fork();
    if (pid == 0) {
        int fd = ::open(("/var/run/netns/" + ns.name()).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0)
            ::_exit(2);
        ::alarm(unsigned(timeout.count()) + 5); // a hung socket call cannot outlive the test
        ::_exit(body() ? 0 : 1);
    }
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::this_thread::sleep_for(50ms);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return -1;
}

sockaddr_storage guest_address(int family, std::uint16_t port, socklen_t* length) {
    sockaddr_storage storage{};
    if (family == AF_INET) {
        auto* a = reinterpret_cast<sockaddr_in*>(&storage);
        a->sin_family = AF_INET;
        a->sin_port = htons(port);
        inet_pton(AF_INET, GUEST_V4, &a->sin_addr);
        *length = sizeof *a;
    } else {
        auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        inet_pton(AF_INET6, GUEST_V6, &a->sin6_addr);
        *length = sizeof *a;
    }
    return storage;
}

// Connects to the guest's echo server, retrying while it boots (at most `timeout`).
int connect_guest(int family, std::uint16_t port, std::chrono::seconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        int s = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        socklen_t length;
        sockaddr_storage a = guest_address(family, port, &length);
        if (::connect(s, reinterpret_cast<sockaddr*>(&a), length) == 0)
            return s;
        ::close(s);
        std::this_thread::sleep_for(200ms);
    }
    return -1;
}

char pattern(std::size_t i, int salt) {
    return static_cast<char>((i * 131 + (i >> 12) + std::size_t(salt)) & 0xff);
}

// Sends `total` bytes of a pattern and reads them back; true when every byte came back.
bool echo_exactly(int s, std::size_t total, int salt) {
    std::thread writer([&] {
        std::vector<char> block(256 * 1024);
        for (std::size_t sent = 0; sent < total;) {
            std::size_t n = std::min(block.size(), total - sent);
            for (std::size_t i = 0; i < n; i++)
                block[i] = pattern(sent + i, salt);
            ssize_t w = ::write(s, block.data(), n);
            if (w <= 0)
                break;
            sent += std::size_t(w);
        }
        ::shutdown(s, SHUT_WR);
    });
    std::size_t received = 0, mismatches = 0;
    std::vector<char> buffer(256 * 1024);
    ssize_t n;
    while ((n = ::read(s, buffer.data(), buffer.size())) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if (buffer[std::size_t(i)] != pattern(received + std::size_t(i), salt))
                mismatches++;
        received += std::size_t(n);
    }
    writer.join();
    ::close(s);
    if (received != total || mismatches)
        std::fprintf(stderr, "echo: %zu of %zu bytes back, %zu wrong\n", received, total,
                     mismatches);
    return received == total && mismatches == 0;
}

bool can_run(std::string* why) {
    if (::geteuid() != 0)
        *why = "needs root to create a network namespace, a tap and a bridge";
    else if (find_ip().empty() || ::access("/dev/net/tun", F_OK) != 0)
        *why = "needs ip (iproute2) and /dev/net/tun";
    return why->empty();
}

std::vector<std::string> bridged_run(const std::string& ns, std::vector<std::string> app_args) {
    std::vector<std::string> args = {
        "run",       app("tcp_echo-static"), "-b",     "--bridgename", "obr0",          "-t",
        "otap-off",  "--ip-address",         GUEST_V4, "--netmask",    "255.255.255.0", "--gateway",
        "10.79.0.1", "--ipv6-address",       GUEST_V6};
    for (auto& a : app_args) {
        args.push_back("-a");
        args.push_back(a);
    }
    (void)ns;
    return args;
}

TEST(NetOffload, TcpOverIpv4AndIpv6IsByteExactThroughATap) {
    std::string why;
    if (!can_run(&why))
        GTEST_SKIP() << why;
    Namespace ns(find_ip());
    ASSERT_TRUE(ns.ready()) << "could not set up the network namespace";
    RunOptions options;
    options.prefix = {find_ip(), "netns", "exec", ns.name()};
    options.timeout = 110s; // inside ctest's 120 s, so that the namespace is always removed
    auto run = std::async(std::launch::async, [&] {
        return run_ops(bridged_run(ns.name(), {"7007", "2"}), options);
    });
    int status = in_namespace(ns, 100s, [] {
        int v4 = connect_guest(AF_INET, 7007, 60s);
        if (v4 < 0)
            return false;
        int v6 = connect_guest(AF_INET6, 7007, 30s);
        if (v6 < 0)
            return false;
        // Both at once: large segments and checksums in both directions, two connections.
        bool ok6 = false;
        std::thread six([&] { ok6 = echo_exactly(v6, 24u << 20, 7); });
        bool ok4 = echo_exactly(v4, 64u << 20, 0);
        six.join();
        return ok4 && ok6;
    });
    EXPECT_EQ(status, 0) << "the echo over the tap was not byte-exact (or did not finish)";
    RunResult r = run.get();
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"listening on tcp port 7007"})) << r.describe();
}

TEST(NetOffload, UdpDatagramsLargerThanTheMtuComeBackWhole) {
    std::string why;
    if (!can_run(&why))
        GTEST_SKIP() << why;
    Namespace ns(find_ip());
    ASSERT_TRUE(ns.ready()) << "could not set up the network namespace";
    RunOptions options;
    options.prefix = {find_ip(), "netns", "exec", ns.name()};
    options.timeout = 110s;
    auto run = std::async(std::launch::async, [&] {
        return run_ops(bridged_run(ns.name(), {"7008", "3", "udp"}), options);
    });
    int status = in_namespace(ns, 100s, [] {
        int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        socklen_t length;
        sockaddr_storage a = guest_address(AF_INET, 7008, &length);
        const std::size_t sizes[] = {1200, 4000, 30000}; // one fits the MTU, two do not
        int echoed = 0;
        auto deadline = Clock::now() + 90s;
        while (echoed < 3 && Clock::now() < deadline) {
            std::vector<char> datagram(sizes[echoed]);
            for (std::size_t i = 0; i < datagram.size(); i++)
                datagram[i] = pattern(i, echoed);
            ::sendto(s, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&a),
                     length);
            pollfd pfd{s, POLLIN, 0};
            if (::poll(&pfd, 1, 500) == 1) {
                std::vector<char> buffer(65536);
                ssize_t got = ::recv(s, buffer.data(), buffer.size(), 0);
                if (got == ssize_t(datagram.size()) &&
                    std::equal(datagram.begin(), datagram.end(), buffer.begin()))
                    echoed++;
            }
        }
        return echoed == 3;
    });
    EXPECT_EQ(status, 0) << "datagrams larger than the MTU did not come back whole";
    RunResult r = run.get();
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"echoed 3 datagrams"})) << r.describe();
}

} // namespace
} // namespace vm
