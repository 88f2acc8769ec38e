// Tests for ops/hostnet/tap.cpp with a fake host that models interfaces, bridge membership and
// failing commands: the exact ip argvs, what is created versus reused, the privilege and
// /dev/net/tun errors, rollback, and that tear-down removes only what ops created.
// (Real taps: tests/vm/run_network_test.cpp, inside a network namespace.)
#include "ops/hostnet/tap.h"

#include "ops/base/error.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace ops {
namespace {

using Argv = std::vector<std::string>;

class FakeTapHost {
  public:
    TapHost host() {
        TapHost host;
        host.run = [this](const Argv& argv) {
            m_commands.push_back(argv);
            CommandResult result;
            if (argv == m_failing) {
                result.exit_status = 2;
                result.output = "RTNETLINK answers: Operation not supported";
                return result;
            }
            if (argv.size() == 5 && argv[1] == "link" && argv[2] == "show") {
                result.exit_status = m_interfaces.count(argv[4]) ? 0 : 1;
                return result;
            }
            if (argv.size() == 6 && argv[1] == "-o" && argv[4] == "dev") {
                if (!m_interfaces.count(argv[5])) {
                    result.exit_status = 1;
                    return result;
                }
                result.output = "7: " + argv[5] + ": <BROADCAST,MULTICAST> mtu 1500 qdisc noop";
                if (m_master.count(argv[5]))
                    result.output += " master " + m_master[argv[5]];
                result.output += " state DOWN mode DEFAULT group default qlen 1000";
                return result;
            }
            if (argv.size() == 6 && argv[1] == "-o" && argv[4] == "master") {
                for (auto& [member, bridge] : m_master)
                    if (bridge == argv[5])
                        result.output += "8: " + member + ": <BROADCAST> master " + bridge + "\n";
                return result;
            }
            if (argv[1] == "link" && argv[2] == "add")
                m_interfaces.insert(argv[4]);
            if (argv[1] == "tuntap" && argv[2] == "add")
                m_interfaces.insert(argv[4]);
            if (argv[1] == "link" && argv[2] == "delete") {
                m_interfaces.erase(argv[4]);
                m_master.erase(argv[4]);
            }
            if (argv[1] == "link" && argv[2] == "set" && argv.size() == 7 && argv[5] == "master")
                m_master[argv[4]] = argv[6];
            if (argv[1] == "link" && argv[2] == "set" && argv.size() == 6 && argv[5] == "nomaster")
                m_master.erase(argv[4]);
            return result;
        };
        host.has_net_admin = [this] { return m_root; };
        host.tun_available = [this] { return m_tun; };
        return host;
    }

    // Only the commands that change something (not the show queries).
    std::vector<Argv> changes() const {
        std::vector<Argv> result;
        for (const Argv& argv : m_commands)
            if (!(argv[1] == "link" && argv[2] == "show") && argv[1] != "-o")
                result.push_back(argv);
        return result;
    }

    std::set<std::string> m_interfaces;
    std::map<std::string, std::string> m_master;
    std::vector<Argv> m_commands;
    Argv m_failing;
    bool m_root = true;
    bool m_tun = true;
};

TEST(Tap, CreatesTheBridgeAndTapAndRemovesBoth) {
    FakeTapHost fake;
    TapHost host = fake.host();
    TapSetup setup = set_up_tap("opstap1", "br0", host);
    EXPECT_EQ(setup, (TapSetup{"opstap1", "br0", true, true, false}));
    EXPECT_EQ(fake.changes(), (std::vector<Argv>{
                                  {"ip", "link", "add", "name", "br0", "type", "bridge"},
                                  {"ip", "link", "set", "dev", "br0", "up"},
                                  {"ip", "tuntap", "add", "dev", "opstap1", "mode", "tap"},
                                  {"ip", "link", "set", "dev", "opstap1", "master", "br0"},
                                  {"ip", "link", "set", "dev", "opstap1", "up"},
                              }));
    EXPECT_EQ(fake.m_master.at("opstap1"), "br0");
    fake.m_commands.clear();
    EXPECT_EQ(tear_down_tap(setup, host), "");
    EXPECT_EQ(fake.changes(), (std::vector<Argv>{
                                  {"ip", "link", "delete", "dev", "opstap1"},
                                  {"ip", "link", "delete", "dev", "br0"},
                              }));
    EXPECT_TRUE(fake.m_interfaces.empty());
}

TEST(Tap, ANewBridgeGetsTheAddressGivenButAnExistingOneIsLeftAlone) {
    FakeTapHost fake;
    TapHost host = fake.host();
    set_up_tap("opstap1", "br0", host, "192.168.33.1/24");
    EXPECT_EQ(fake.changes()[1], (Argv{"ip", "address", "add", "192.168.33.1/24", "dev", "br0"}));
    FakeTapHost existing;
    existing.m_interfaces = {"br0"};
    TapHost existing_host = existing.host();
    set_up_tap("opstap1", "br0", existing_host, "192.168.33.1/24");
    for (const Argv& argv : existing.changes())
        EXPECT_NE(argv[1], "address");
}

TEST(Tap, AnExistingBridgeIsUsedAndKept) {
    FakeTapHost fake;
    fake.m_interfaces = {"br0"};
    TapHost host = fake.host();
    TapSetup setup = set_up_tap("opstap1", "br0", host);
    EXPECT_FALSE(setup.created_bridge);
    EXPECT_TRUE(setup.created_tap);
    tear_down_tap(setup, host);
    EXPECT_EQ(fake.m_interfaces, (std::set<std::string>{"br0"}));
}

TEST(Tap, ABridgeWithOtherMembersIsKept) {
    FakeTapHost fake;
    TapHost host = fake.host();
    TapSetup setup = set_up_tap("opstap1", "br0", host);
    // Another run put its tap into the bridge this run created.
    fake.m_interfaces.insert("opstap2");
    fake.m_master["opstap2"] = "br0";
    EXPECT_EQ(tear_down_tap(setup, host), "");
    EXPECT_EQ(fake.m_interfaces, (std::set<std::string>{"br0", "opstap2"}));
}

TEST(Tap, AnExistingTapIsAttachedAndDetachedButNotDeleted) {
    FakeTapHost fake;
    fake.m_interfaces = {"br0", "tap0"};
    TapHost host = fake.host();
    TapSetup setup = set_up_tap("tap0", "br0", host);
    EXPECT_EQ(setup, (TapSetup{"tap0", "br0", false, false, true}));
    fake.m_commands.clear();
    tear_down_tap(setup, host);
    EXPECT_EQ(fake.changes(),
              (std::vector<Argv>{{"ip", "link", "set", "dev", "tap0", "nomaster"}}));
    EXPECT_EQ(fake.m_interfaces, (std::set<std::string>{"br0", "tap0"}));
}

TEST(Tap, AnExistingTapAloneNeedsNoRootAndNoChange) {
    FakeTapHost fake;
    fake.m_interfaces = {"tap0"};
    fake.m_root = false;
    TapHost host = fake.host();
    TapSetup setup = set_up_tap("tap0", "", host);
    EXPECT_EQ(setup, (TapSetup{"tap0", "", false, false, false}));
    EXPECT_TRUE(fake.changes().empty());
}

std::string error_of(FakeTapHost& fake, const std::string& tap, const std::string& bridge) {
    TapHost host = fake.host();
    try {
        set_up_tap(tap, bridge, host);
    } catch (const Error& e) {
        return e.message();
    }
    return "";
}

TEST(Tap, ClearErrorsBeforeChangingAnything) {
    FakeTapHost not_root;
    not_root.m_root = false;
    EXPECT_EQ(error_of(not_root, "opstap1", "br0"),
              "creating tap opstap1 needs root (or CAP_NET_ADMIN): run ops with sudo, or create it "
              "beforehand (sudo ip tuntap add dev opstap1 mode tap user $USER)");
    EXPECT_TRUE(not_root.changes().empty());

    FakeTapHost no_tun;
    no_tun.m_tun = false;
    EXPECT_EQ(error_of(no_tun, "opstap1", "br0").rfind("/dev/net/tun does not exist", 0), 0u);
    EXPECT_TRUE(no_tun.m_commands.empty());

    FakeTapHost other_bridge;
    other_bridge.m_interfaces = {"tap0", "br1", "br0"};
    other_bridge.m_master["tap0"] = "br1";
    EXPECT_EQ(error_of(other_bridge, "tap0", "br0"),
              "tap tap0 is already in bridge br1, not br0: use --bridgename br1, or another "
              "--tapname");
    EXPECT_TRUE(other_bridge.changes().empty());
}

TEST(Tap, AFailedStepUndoesTheEarlierOnes) {
    FakeTapHost fake;
    fake.m_failing = {"ip", "link", "set", "dev", "opstap1", "master", "br0"};
    std::string error = error_of(fake, "opstap1", "br0");
    EXPECT_EQ(error.rfind("`ip link set dev opstap1 master br0` failed (status 2): RTNETLINK", 0),
              0u)
        << error;
    EXPECT_TRUE(fake.m_interfaces.empty());
}

TEST(Tap, HostTapRemovesOnDestructionUnlessReleased) {
    FakeTapHost fake;
    {
        HostTap tap("opstap1", "br0", "", fake.host());
        EXPECT_EQ(fake.m_interfaces, (std::set<std::string>{"br0", "opstap1"}));
    }
    EXPECT_TRUE(fake.m_interfaces.empty());
    TapSetup kept;
    {
        HostTap tap("opstap1", "", "", fake.host());
        kept = tap.release();
    }
    EXPECT_EQ(fake.m_interfaces, (std::set<std::string>{"opstap1"}));
    EXPECT_TRUE(kept.created_tap);
    EXPECT_EQ(default_tap_name().rfind("opstap", 0), 0u);
    EXPECT_LE(default_tap_name().size(), 15u);
}

} // namespace
} // namespace ops
