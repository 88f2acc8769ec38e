// Tests for ops/hostnet/network.cpp with a fake command runner: the exact ip and dnsmasq argvs,
// records, conflicts, rollback when a step fails, and delete. (Real bridges: tests/vm/
// network_test.cpp, inside a network namespace.)
#include "ops/hostnet/network.h"

#include "ops/base/error.h"
#include "ops/store/paths.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <set>

namespace ops {
namespace {

namespace fs = std::filesystem;
using Argv = std::vector<std::string>;

class FakeNetworkHost {
public:
    NetworkHost host() {
        NetworkHost host;
        host.run = [this](const Argv& argv) {
            m_commands.push_back(argv);
            CommandResult result;
            if (argv[0] == "ip" && argv[1] == "link" && argv[2] == "show") {
                result.exit_status = m_interfaces.count(argv.back()) ? 0 : 1;
                return result;
            }
            if (argv[0] == "ip" && argv[2] == "add" && argv[1] == "link")
                m_interfaces.insert(argv[4]);
            if (argv[0] == "ip" && argv[2] == "delete")
                m_interfaces.erase(argv.back());
            if (argv[0] == "dnsmasq") {
                if (m_dnsmasq_fails) {
                    result.exit_status = 2;
                    result.output = "dnsmasq: failed to bind DHCP server socket";
                    return result;
                }
                std::string pid_file = argv[2].substr(std::string("--pid-file=").size());
                std::ofstream(pid_file) << m_next_pid << "\n";
                m_processes[m_next_pid++] = argv;
            }
            return result;
        };
        host.command_line = [this](int pid) -> std::optional<Argv> {
            auto it = m_processes.find(pid);
            if (it == m_processes.end())
                return std::nullopt;
            return it->second;
        };
        host.send_signal = [this](int pid, int signal) {
            m_signals.push_back(signal);
            m_processes.erase(pid);
        };
        return host;
    }

    std::vector<Argv> m_commands;
    std::set<std::string> m_interfaces;
    std::map<int, Argv> m_processes;
    std::vector<int> m_signals;
    int m_next_pid = 500;
    bool m_dnsmasq_fails = false;
};

class HostNetworks : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/ops-network-test-XXXXXX";
        m_root = ::mkdtemp(pattern);
    }
    void TearDown() override { fs::remove_all(m_root); }
    Networks networks() { return Networks(StorePaths(m_root / ".ops"), m_fake.host()); }
    std::string dir() const { return (m_root / ".ops" / "networks").string(); }

    fs::path m_root;
    FakeNetworkHost m_fake;
};

TEST_F(HostNetworks, CreateRunsIpThenDnsmasqAndRecords) {
    NetworkRecord record = networks().create("opsbr0", parse_subnet("10.3.0.0/24"));
    std::vector<Argv> expected = {
        {"ip", "link", "show", "dev", "opsbr0"},
        {"ip", "link", "add", "name", "opsbr0", "type", "bridge"},
        {"ip", "address", "add", "10.3.0.1/24", "dev", "opsbr0"},
        {"ip", "link", "set", "dev", "opsbr0", "up"},
        {"dnsmasq", "--conf-file=/dev/null", "--pid-file=" + dir() + "/opsbr0.pid",
         "--dhcp-leasefile=" + dir() + "/opsbr0.leases", "--bind-interfaces",
         "--interface=opsbr0", "--except-interface=lo", "--listen-address=10.3.0.1",
         "--dhcp-range=10.3.0.2,10.3.0.254,12h"},
    };
    EXPECT_EQ(m_fake.m_commands, expected);
    EXPECT_EQ(record.dnsmasq_pid, 500);
    EXPECT_EQ(record.dnsmasq_argv, expected.back());

    auto listed = networks().list();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].record, record);
    EXPECT_TRUE(listed[0].bridge_up);
    EXPECT_TRUE(listed[0].dhcp_running);
}

TEST_F(HostNetworks, RecordRoundTrips) {
    NetworkRecord record = networks().create("b1", parse_subnet("10.9.0.0/24"));
    std::ifstream file(dir() + "/b1.json");
    std::string text((std::istreambuf_iterator<char>(file)), {});
    EXPECT_EQ(network_record_from_json(text, "b1.json"), record);
    EXPECT_NE(text.find("\"gateway\": \"10.9.0.1\""), std::string::npos) << text;
    EXPECT_THROW(network_record_from_json("{}", "x"), Error);
}

TEST_F(HostNetworks, ConflictsAreRefused) {
    networks().create("b1", parse_subnet("10.3.0.0/24"));
    EXPECT_THROW(networks().create("b1", parse_subnet("10.4.0.0/24")), Error);  // same name
    EXPECT_THROW(networks().create("b2", parse_subnet("10.3.0.0/16")), Error);  // overlap
    m_fake.m_interfaces.insert("eth9");
    EXPECT_THROW(networks().create("eth9", parse_subnet("10.5.0.0/24")), Error);  // existing link
    EXPECT_THROW(networks().create("a-name-too-long-x", parse_subnet("10.6.0.0/24")), Error);
    EXPECT_THROW(networks().create("../x", parse_subnet("10.6.0.0/24")), Error);
    EXPECT_EQ(networks().list().size(), 1u);
}

TEST_F(HostNetworks, DnsmasqFailureRemovesTheBridge) {
    m_fake.m_dnsmasq_fails = true;
    try {
        networks().create("b1", parse_subnet("10.3.0.0/24"));
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("failed to bind"), std::string::npos) << e.what();
    }
    EXPECT_EQ(m_fake.m_commands.back(), (Argv{"ip", "link", "delete", "dev", "b1"}));
    EXPECT_TRUE(m_fake.m_interfaces.empty());
    EXPECT_TRUE(networks().list().empty());
}

TEST_F(HostNetworks, DeleteStopsDnsmasqAndRemovesBridgeAndRecord) {
    networks().create("b1", parse_subnet("10.3.0.0/24"));
    m_fake.m_commands.clear();
    networks().remove("b1");
    EXPECT_EQ(m_fake.m_signals, std::vector<int>{SIGTERM});
    EXPECT_EQ(m_fake.m_commands, (std::vector<Argv>{{"ip", "link", "show", "dev", "b1"},
                                                    {"ip", "link", "delete", "dev", "b1"}}));
    EXPECT_TRUE(networks().list().empty());
    EXPECT_FALSE(fs::exists(dir() + "/b1.pid"));
    EXPECT_THROW(networks().remove("b1"), Error);
}

TEST_F(HostNetworks, DeleteDoesNotSignalAReusedPid) {
    NetworkRecord record = networks().create("b1", parse_subnet("10.3.0.0/24"));
    m_fake.m_processes[record.dnsmasq_pid] = {"/usr/bin/unrelated"};
    networks().remove("b1");
    EXPECT_TRUE(m_fake.m_signals.empty());
}

TEST(RunCommand, CapturesOutputAndStatus) {
    CommandResult ok = run_command({"sh", "-c", "echo out; echo err >&2; exit 3"});
    EXPECT_EQ(ok.exit_status, 3);
    EXPECT_NE(ok.output.find("out"), std::string::npos);
    EXPECT_NE(ok.output.find("err"), std::string::npos);
    EXPECT_EQ(run_command({"ops-no-such-program-x"}).exit_status, 127);
}

} // namespace
} // namespace ops
