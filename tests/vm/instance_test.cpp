// instance_test.cpp: `ops instance` end to end under TCG: the lifecycle of a program that stays
// up (tests/apps/sleeper.c), a QEMU killed behind ops's back, the exit status of a program that
// finished, and logs -w. Every command of one test shares one OPS_HOME.
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <csignal>
#include <filesystem>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace vm {
namespace {

// EXPECT_EXIT_CODE evaluates its argument more than once: never give it a command to run.
void expect_exit(const RunResult& result, int code) {
    EXPECT_EXIT_CODE(result, code);
}

// One instance home: runs ops commands in it and deletes what is left at the end.
class InstanceHome {
  public:
    InstanceHome() { m_options.ops_home = m_home.path(); }
    ~InstanceHome() {
        for (const std::string& name : m_names)
            ops({"instance", "delete", name});
    }
    RunResult ops(const std::vector<std::string>& args) const { return run_ops(args, m_options); }
    void track(const std::string& name) { m_names.push_back(name); }
    std::string image_path(const std::string& name) const {
        return m_home.path() + "/.ops/images/" + name;
    }

    // The columns of `name`'s row in `ops instance list` (NAME PID STATUS ...), empty if none.
    std::vector<std::string> row(const std::string& name) const {
        RunResult r = ops({"instance", "list"});
        for (const std::string& line : r.out_lines()) {
            std::istringstream in(line);
            std::vector<std::string> columns;
            std::string column;
            while (in >> column)
                columns.push_back(column);
            if (!columns.empty() && columns[0] == name)
                return columns;
        }
        return {};
    }
    std::string status(const std::string& name) const {
        auto columns = row(name);
        if (columns.size() < 3)
            return "";
        // "exited (7)" spans two columns.
        return columns[2] == "exited" && columns.size() > 3 ? columns[2] + " " + columns[3]
                                                            : columns[2];
    }
    // Polls until `predicate` holds, at most `timeout`.
    template <typename Predicate>
    bool wait_for(Predicate predicate,
                  std::chrono::seconds timeout = std::chrono::seconds(30)) const {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (predicate())
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return predicate();
    }
    bool logs_contain(const std::string& name, const std::string& line) const {
        RunResult r = ops({"instance", "logs", name});
        return has_lines_in_order(r.out_lines(), {line});
    }

  private:
    TempDir m_home;
    RunOptions m_options;
    std::vector<std::string> m_names;
};

TEST(Instance, Lifecycle) {
    InstanceHome home;
    RunResult built = home.ops({"build", app("sleeper-static"), "-i", "sleeper"});
    EXPECT_EXIT_CODE(built, 0);

    home.track("life");
    RunResult created = home.ops({"instance", "create", "sleeper", "-i", "life", "-m", "256M"});
    EXPECT_EXIT_CODE(created, 0);
    EXPECT_TRUE(has_lines_in_order(created.out_lines(), {"life"})) << created.describe();
    EXPECT_EQ(home.status("life"), "running");
    EXPECT_TRUE(home.wait_for([&] { return home.logs_contain("life", "sleeping"); }))
        << home.ops({"instance", "logs", "life"}).describe();

    expect_exit(home.ops({"instance", "stop", "life"}), 0);
    EXPECT_EQ(home.status("life"), "stopped");
    EXPECT_EQ(home.row("life").at(1), "-");

    expect_exit(home.ops({"instance", "start", "life"}), 0);
    EXPECT_EQ(home.status("life"), "running");
    RunResult again = home.ops({"instance", "start", "life"});
    EXPECT_EXIT_CODE(again, 1); // already running

    expect_exit(home.ops({"instance", "reboot", "life"}), 0);
    EXPECT_EQ(home.status("life"), "running");
    EXPECT_TRUE(home.wait_for([&] { return home.logs_contain("life", "sleeping"); }));

    expect_exit(home.ops({"instance", "delete", "life"}), 0);
    EXPECT_TRUE(home.row("life").empty());
    EXPECT_TRUE(std::filesystem::exists(home.image_path("sleeper")));
    expect_exit(home.ops({"instance", "delete", "life"}), 1);
}

TEST(Instance, QemuKilledBehindOpsIsShownStopped) {
    InstanceHome home;
    expect_exit(home.ops({"build", app("sleeper-static"), "-i", "sleeper"}), 0);
    home.track("victim");
    expect_exit(home.ops({"instance", "create", "sleeper", "-i", "victim", "-m", "256M"}), 0);
    auto columns = home.row("victim");
    ASSERT_GE(columns.size(), 3u);
    int pid = std::stoi(columns[1]);
    ASSERT_GT(pid, 0);
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    EXPECT_TRUE(home.wait_for([&] { return home.status("victim") == "stopped"; },
                              std::chrono::seconds(10)));
    EXPECT_EQ(home.row("victim").at(1), "-");
    // A stopped instance starts again.
    expect_exit(home.ops({"instance", "start", "victim"}), 0);
    EXPECT_EQ(home.status("victim"), "running");
}

TEST(Instance, FinishedProgramShowsItsExitStatusAndLogsFollowToTheEnd) {
    InstanceHome home;
    expect_exit(home.ops({"build", app("exit_code-static"), "-i", "seven", "-a", "7"}), 0);
    home.track("seven");
    expect_exit(home.ops({"instance", "create", "seven", "-i", "seven", "-m", "256M"}), 0);
    // logs -w returns by itself once the program has exited.
    RunResult followed = home.ops({"instance", "logs", "seven", "-w"});
    EXPECT_EXIT_CODE(followed, 0);
    EXPECT_TRUE(has_lines_in_order(followed.out_lines(), {"exiting with 7"}))
        << followed.describe();
    EXPECT_TRUE(home.wait_for([&] { return home.status("seven") == "exited (7)"; }))
        << home.ops({"instance", "list"}).describe();
}

TEST(Instance, Q35InstanceBootsFromAPciDisk) {
    InstanceHome home;
    expect_exit(home.ops({"build", app("exit_code-static"), "-i", "pci", "-a", "5"}), 0);
    home.track("pci");
    expect_exit(
        home.ops({"instance", "create", "pci", "-i", "pci", "-m", "256M", "--machine", "q35"}), 0);
    RunResult followed = home.ops({"instance", "logs", "pci", "-w"});
    EXPECT_EXIT_CODE(followed, 0);
    EXPECT_TRUE(has_lines_in_order(followed.out_lines(), {"exiting with 5"}))
        << followed.describe();
    EXPECT_TRUE(home.wait_for([&] { return home.status("pci") == "exited (5)"; }))
        << home.ops({"instance", "list"}).describe();
    // q35 has no virtio-mmio: the program came from a disk on the PCI bus. The machine is kept.
    RunResult listed = home.ops({"instance", "list", "-j"});
    EXPECT_NE(listed.out.find("\"machine\": \"q35\""), std::string::npos) << listed.describe();
}

// A TCP port on 127.0.0.1 held open by the test for its lifetime.
class HeldPort {
  public:
    HeldPort() {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(m_fd, 1);
        socklen_t length = sizeof address;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin_port);
    }
    ~HeldPort() { release(); }
    void release() {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }
    std::string port() const { return std::to_string(m_port); }

  private:
    int m_fd = -1;
    unsigned m_port = 0;
};

TEST(Instance, HostPortsAreReservedAndChecked) {
    InstanceHome home;
    expect_exit(home.ops({"build", app("sleeper-static"), "-i", "sleeper"}), 0);
    HeldPort held, reserved;
    reserved.release(); // free now; p1 takes it

    home.track("p1");
    RunResult first = home.ops(
        {"instance", "create", "sleeper", "-i", "p1", "-m", "256M", "-p", reserved.port() + ":80"});
    EXPECT_EXIT_CODE(first, 0);
    EXPECT_EQ(home.row("p1").at(4), reserved.port() + "-80");

    home.track("p2");
    RunResult second =
        home.ops({"instance", "create", "sleeper", "-i", "p2", "-p", reserved.port()});
    EXPECT_EXIT_CODE(second, 1);
    EXPECT_NE(second.err.find("reserved by instance \"p1\""), std::string::npos)
        << second.describe();

    RunResult third = home.ops({"instance", "create", "sleeper", "-i", "p2", "-p", held.port()});
    EXPECT_EXIT_CODE(third, 1);
    EXPECT_NE(third.err.find("on 127.0.0.1 is already in use"), std::string::npos)
        << third.describe();
    EXPECT_TRUE(home.row("p2").empty());
}

} // namespace
} // namespace vm
