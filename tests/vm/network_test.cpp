// network_test.cpp: `ops network` on a real bridge and dnsmasq, inside a network namespace the
// test creates and removes, so the host's own interfaces are never touched. Needs root, ip and
// dnsmasq; skipped otherwise.
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace vm {
namespace {

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
        m_name = "ops-test-" + std::to_string(::getpid());
        m_created = std::system((m_ip + " netns add " + m_name).c_str()) == 0;
    }
    ~Namespace() {
        if (m_created)
            std::system((m_ip + " netns delete " + m_name).c_str());
    }
    bool created() const { return m_created; }
    std::vector<std::string> prefix() const { return {m_ip, "netns", "exec", m_name}; }
    int run(const std::string& command) const {
        return std::system((m_ip + " netns exec " + m_name + " " + command + " >/dev/null 2>&1").c_str());
    }

private:
    std::string m_ip, m_name;
    bool m_created = false;
};

TEST(Network, CreateListDeleteInANamespace) {
    if (::geteuid() != 0)
        GTEST_SKIP() << "needs root to create a network namespace and a bridge";
    std::string ip = find_tool("ip");
    if (ip.empty())
        GTEST_SKIP() << "ip (iproute2) is not installed";
    if (find_tool("dnsmasq").empty())
        GTEST_SKIP() << "dnsmasq is not installed (scripts/setup installs dnsmasq-base)";
    Namespace ns(ip);
    if (!ns.created())
        GTEST_SKIP() << "ip netns add failed (no network namespaces here?)";

    TempDir home;
    RunOptions options;
    options.ops_home = home.path();
    options.prefix = ns.prefix();
    options.timeout = std::chrono::seconds(30);

    RunResult created = run_ops({"network", "create", "--bridgename", "opst0", "--subnet", "10.201.0.0/24"}, options);
    EXPECT_EXIT_CODE(created, 0);
    EXPECT_EQ(ns.run(ip + " -o address show dev opst0 | grep -q 'inet 10.201.0.1/24'"), 0);
    EXPECT_EQ(ns.run("sh -c 'pgrep -x dnsmasq'"), 0);

    RunResult listed = run_ops({"network", "list"}, options);
    EXPECT_EXIT_CODE(listed, 0);
    EXPECT_TRUE(has_lines_in_order(listed.out_lines(),
                                   {"NAME             SUBNET               GATEWAY          STATUS",
                                    "opst0            10.201.0.0/24        10.201.0.1       up"}))
        << listed.describe();

    RunResult overlap = run_ops({"network", "create", "--bridgename", "opst1", "--subnet", "10.201.0.0/16"}, options);
    EXPECT_EXIT_CODE(overlap, 1);
    RunResult same = run_ops({"network", "create", "--bridgename", "opst0", "--subnet", "10.202.0.0/24"}, options);
    EXPECT_EXIT_CODE(same, 1);

    RunResult deleted = run_ops({"network", "delete", "opst0"}, options);
    EXPECT_EXIT_CODE(deleted, 0);
    EXPECT_NE(ns.run(ip + " link show dev opst0"), 0);
    EXPECT_FALSE(std::filesystem::exists(home.path() + "/.ops/networks/opst0.json"));
    RunResult empty = run_ops({"network", "list"}, options);
    EXPECT_EQ(empty.out_lines().size(), 1u) << empty.describe();
}

} // namespace
} // namespace vm
