// run_network_test.cpp: the host side of `ops run` networking. A busy or repeated host port is
// refused before anything is built or booted; the user network QEMU gets (forwards, static
// address) is accepted by QEMU; and --bridged creates its tap and bridge inside a network
// namespace the test makes, keeps them while the guest runs and removes them at exit. Guest
// networking itself (DHCP, answering on a port) is the kernel's and is not asserted here.
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace vm {
namespace {

// A TCP socket listening on 127.0.0.1 on a port the kernel picks.
class Listener {
  public:
    Listener() {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        EXPECT_EQ(::listen(m_fd, 1), 0);
        socklen_t length = sizeof address;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin_port);
    }
    ~Listener() { close(); }
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

// A port that was free a moment ago.
std::uint16_t free_port() {
    Listener listener;
    return listener.port();
}

TEST(RunNetwork, BusyHostPortIsRefusedBeforeBuildingOrBooting) {
    Listener busy;
    std::string port = std::to_string(busy.port());
    RunResult r = run_ops({"run", app("hello-static"), "-v", "-p", port + "-80"});
    EXPECT_EXIT_CODE(r, 1);
    ASSERT_EQ(r.err_lines().size(), 1u) << r.describe();
    // The test itself holds the port, and ops names it like lsof would.
    EXPECT_EQ(r.err_lines()[0].rfind("ops: host port " + port +
                                         "/tcp on 127.0.0.1 is already in use (by pid " +
                                         std::to_string(::getpid()) + ", ",
                                     0),
              0u)
        << r.describe();
    EXPECT_NE(r.err.find("forward another host port"), std::string::npos) << r.describe();
    EXPECT_EQ(r.err.find("qemu-system"), std::string::npos) << "QEMU was started";
    EXPECT_TRUE(r.out.empty()) << r.describe();
    EXPECT_TRUE(image_files(r.ops_home).empty()) << "an image was built";
}

TEST(RunNetwork, TheSameHostPortTwiceIsRefused) {
    RunResult r = run_ops({"run", app("hello-static"), "-p", "8080", "-p", "8080-80"});
    EXPECT_EXIT_CODE(r, 1);
    EXPECT_EQ(r.err, "ops: host port 8080/tcp is given twice: forward each host port once (-p "
                     "HOST-GUEST picks another host port)\n");
    EXPECT_TRUE(image_files(r.ops_home).empty());
    RunResult bad = run_ops({"run", app("hello-static"), "--udp", "53-x"});
    EXPECT_EXIT_CODE(bad, 1);
    EXPECT_EQ(bad.err_lines().size(), 1u);
}

TEST(RunNetwork, QemuAcceptsTheUserNetworkWithForwardsAndAStaticAddress) {
    std::string tcp = std::to_string(free_port());
    std::string udp = std::to_string(free_port());
    RunResult r = run_ops({"run", app("hello-static"), "-v", "-p", tcp + "-80", "--udp", udp,
                           "--ip-address", "192.168.7.20"});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"hello from hello-static"})) << r.describe();
    EXPECT_NE(r.err.find("-netdev user,id=n0,net=192.168.7.0/24,host=192.168.7.1,dns=192.168.7.3,"
                         "dhcpstart=192.168.7.20,hostfwd=tcp:127.0.0.1:" +
                         tcp + "-192.168.7.20:80,hostfwd=udp:127.0.0.1:" + udp + "-192.168.7.20:" +
                         udp + " -device virtio-net-device,netdev=n0,mac=52:54:00:"),
              std::string::npos)
        << r.describe();
}

std::string find_tool(const std::string& name) {
    for (const char* directory : {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"}) {
        std::string path = directory + name;
        if (::access(path.c_str(), X_OK) == 0)
            return path;
    }
    return "";
}

class Namespace {
  public:
    explicit Namespace(std::string ip) : m_ip(std::move(ip)) {
        m_name = "ops-run-test-" + std::to_string(::getpid());
        m_created = std::system((m_ip + " netns add " + m_name).c_str()) == 0;
    }
    ~Namespace() {
        if (m_created)
            std::system((m_ip + " netns delete " + m_name).c_str());
    }
    bool created() const { return m_created; }
    const std::string& name() const { return m_name; }
    // Exit status of `command` run inside the namespace, output discarded.
    int run(const std::string& command) const {
        return std::system(
            (m_ip + " netns exec " + m_name + " " + command + " >/dev/null 2>&1").c_str());
    }
    bool has_interface(const std::string& name) const {
        return run(m_ip + " link show dev " + name) == 0;
    }

  private:
    std::string m_ip, m_name;
    bool m_created = false;
};

// `ops run` started in the background inside the namespace; its output goes to a file.
class BackgroundOps {
  public:
    BackgroundOps(const std::string& ip, const Namespace& ns, const std::vector<std::string>& args,
                  const std::string& ops_home, const std::string& log) {
        std::vector<std::string> strings = {ip, "netns", "exec", ns.name(), ops_binary()};
        strings.insert(strings.end(), args.begin(), args.end());
        m_pid = ::fork();
        if (m_pid == 0) {
            int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(out, 1);
            ::dup2(out, 2);
            ::setenv("OPS_ACCEL", "tcg", 1);
            ::setenv("OPS_HOME", ops_home.c_str(), 1);
            std::vector<char*> argv;
            for (auto& s : strings)
                argv.push_back(s.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    ~BackgroundOps() {
        if (m_pid > 0 && !m_waited) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
    }
    // `ip netns exec` execs ops in place, so this signal reaches ops itself.
    void signal(int number) { ::kill(m_pid, number); }
    // The exit status, or -1 when it did not end within `timeout`.
    int wait(std::chrono::seconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_waited = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return -1;
    }

  private:
    pid_t m_pid = -1;
    bool m_waited = false;
};

bool wait_for(const std::function<bool()>& condition, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(RunNetwork, BridgedRunCreatesTapAndBridgeAndRemovesThemAtExit) {
    if (::geteuid() != 0)
        GTEST_SKIP() << "needs root to create a network namespace, a tap and a bridge";
    std::string ip = find_tool("ip");
    if (ip.empty())
        GTEST_SKIP() << "ip (iproute2) is not installed";
    if (::access("/dev/net/tun", F_OK) != 0)
        GTEST_SKIP() << "no /dev/net/tun";
    Namespace ns(ip);
    if (!ns.created())
        GTEST_SKIP() << "ip netns add failed (no network namespaces here?)";

    TempDir home;
    std::string log = home.path() + "/ops.log";
    {
        BackgroundOps ops(ip, ns,
                          {"run", app("sleeper-static"), "-m", "256M", "-b", "-t", "opst0",
                           "--bridgename", "opsbr0"},
                          home.path(), log);
        // The tap is set up before the image is built, and stays while the guest runs.
        ASSERT_TRUE(wait_for([&] { return read_file(log).find("sleeping") != std::string::npos; },
                             std::chrono::seconds(60)))
            << read_file(log);
        EXPECT_TRUE(ns.has_interface("opst0"));
        EXPECT_TRUE(ns.has_interface("opsbr0"));
        EXPECT_EQ(ns.run("sh -c '" + ip + " -o link show dev opst0 | grep -q \"master opsbr0\"'"),
                  0);
        ops.signal(SIGINT);
        EXPECT_EQ(ops.wait(std::chrono::seconds(30)), 130) << read_file(log);
    }
    EXPECT_NE(read_file(log).find("ops: stopped by SIGINT"), std::string::npos) << read_file(log);
    EXPECT_FALSE(ns.has_interface("opst0"));
    EXPECT_FALSE(ns.has_interface("opsbr0"));

    // ^C while the image is still being built: the tap and bridge made for it go away too.
    {
        BackgroundOps ops(ip, ns,
                          {"run", app("sleeper-static"), "-m", "256M", "-b", "-t", "opst1",
                           "--bridgename", "opsbr1"},
                          home.path(), log);
        ASSERT_TRUE(wait_for([&] { return ns.has_interface("opst1"); }, std::chrono::seconds(30)))
            << read_file(log);
        ops.signal(SIGINT);
        EXPECT_EQ(ops.wait(std::chrono::seconds(30)), 130) << read_file(log);
    }
    EXPECT_NE(read_file(log).find("ops: stopped by SIGINT"), std::string::npos) << read_file(log);
    EXPECT_FALSE(ns.has_interface("opst1"));
    EXPECT_FALSE(ns.has_interface("opsbr1"));

    // A bridge that was there before is used and kept; the tap ops made is still removed.
    ASSERT_EQ(ns.run(ip + " link add name keepbr type bridge"), 0);
    RunOptions in_namespace;
    in_namespace.prefix = {ip, "netns", "exec", ns.name()};
    RunResult r =
        run_ops({"run", app("hello-static"), "-b", "--bridgename", "keepbr"}, in_namespace);
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(ns.has_interface("keepbr"));
    EXPECT_NE(ns.run("sh -c '" + ip + " -o link show | grep -q opstap'"), 0)
        << "the default tap was left behind";
}

TEST(RunNetwork, BridgedInstanceKeepsItsTapUntilDeleted) {
    if (::geteuid() != 0)
        GTEST_SKIP() << "needs root to create a network namespace, a tap and a bridge";
    std::string ip = find_tool("ip");
    if (ip.empty() || ::access("/dev/net/tun", F_OK) != 0)
        GTEST_SKIP() << "needs ip (iproute2) and /dev/net/tun";
    Namespace ns(ip);
    if (!ns.created())
        GTEST_SKIP() << "ip netns add failed (no network namespaces here?)";

    TempDir home;
    RunOptions options;
    options.ops_home = home.path();
    options.prefix = {ip, "netns", "exec", ns.name()};
    options.timeout = std::chrono::seconds(60);
    RunResult built = run_ops({"build", app("sleeper-static"), "-i", "sleeper"}, options);
    EXPECT_EXIT_CODE(built, 0);

    RunResult ported =
        run_ops({"instance", "create", "sleeper", "-i", "bad", "--bridged", "-p", "8080"}, options);
    EXPECT_EXIT_CODE(ported, 1);
    EXPECT_FALSE(ns.has_interface("br0"));

    RunResult created = run_ops({"instance", "create", "sleeper", "-i", "bridged", "-m", "256M",
                                 "--bridged", "--tap", "opsit0", "--bridgename", "opsibr0"},
                                options);
    EXPECT_EXIT_CODE(created, 0);
    EXPECT_TRUE(ns.has_interface("opsit0"));
    EXPECT_EQ(ns.run("sh -c '" + ip + " -o link show dev opsit0 | grep -q \"master opsibr0\"'"), 0);
    RunResult stopped = run_ops({"instance", "stop", "bridged"}, options);
    EXPECT_EXIT_CODE(stopped, 0);
    EXPECT_TRUE(ns.has_interface("opsit0")) << "the tap must outlive a stop";
    RunResult deleted = run_ops({"instance", "delete", "bridged"}, options);
    EXPECT_EXIT_CODE(deleted, 0);
    EXPECT_FALSE(ns.has_interface("opsit0"));
    EXPECT_FALSE(ns.has_interface("opsibr0"));
}

// The whole bridged path: `ops network create` (bridge + dnsmasq) in a test-made namespace, a run
// joining it through a tap, the kernel's DHCP client printing the lease dnsmasq handed out, and
// the program answering HTTP from inside the namespace at that address.
TEST(RunNetwork, BridgedGuestGetsALeaseFromTheNetworksDnsmasqAndAnswers) {
    if (::geteuid() != 0)
        GTEST_SKIP() << "needs root to create a network namespace, a tap and a bridge";
    std::string ip = find_tool("ip");
    if (ip.empty() || ::access("/dev/net/tun", F_OK) != 0 || find_tool("dnsmasq").empty())
        GTEST_SKIP() << "needs ip (iproute2), dnsmasq and /dev/net/tun";
    Namespace ns(ip);
    if (!ns.created())
        GTEST_SKIP() << "ip netns add failed (no network namespaces here?)";

    TempDir home;
    RunOptions options;
    options.ops_home = home.path();
    options.prefix = {ip, "netns", "exec", ns.name()};
    RunResult network = run_ops(
        {"network", "create", "--bridgename", "opsdbr0", "--subnet", "10.98.7.0/24"}, options);
    ASSERT_TRUE(network.exited && network.exit_code == 0) << network.describe();

    std::string log = home.path() + "/ops.log";
    std::string leased;
    {
        BackgroundOps ops(ip, ns,
                          {"run", app("go-httpserver"), "-m", "256M", "--bridgename", "opsdbr0",
                           "-t", "opsdtap0"},
                          home.path(), log);
        const std::string prefix = "assigned: 10.98.7.";
        ASSERT_TRUE(wait_for([&] { return read_file(log).find(prefix) != std::string::npos; },
                             std::chrono::seconds(60)))
            << read_file(log);
        std::string text = read_file(log);
        std::size_t at = text.find(prefix) + std::string("assigned: ").size();
        leased = text.substr(at, text.find_first_of("\r\n", at) - at);
        ASSERT_TRUE(
            wait_for([&] { return read_file(log).find("listening on :8080") != std::string::npos; },
                     std::chrono::seconds(30)))
            << read_file(log);
        // bash's /dev/tcp: no HTTP client needed in the namespace.
        std::string fetch = "bash -c 'exec 3<>/dev/tcp/" + leased +
                            "/8080 && printf \"GET /quit HTTP/1.0\\r\\n\\r\\n\" >&3 && "
                            "grep -q bye <&3'";
        EXPECT_EQ(ns.run(fetch), 0) << "no HTTP answer from " << leased;
        EXPECT_EQ(ops.wait(std::chrono::seconds(30)), 0) << read_file(log);
    }
    EXPECT_FALSE(ns.has_interface("opsdtap0"));
    RunResult deleted = run_ops({"network", "delete", "opsdbr0"}, options);
    EXPECT_EXIT_CODE(deleted, 0);
}

} // namespace
} // namespace vm
