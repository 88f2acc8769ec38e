// instance_volume_test.cpp: data volumes on background instances: `ops build --mounts` puts the
// mounts in the image, `ops instance create --mounts` attaches the volume at every boot (start
// again included), what an instance wrote is in the volume after delete, a volume attached to a
// running instance is refused to another one, and bad --mounts fail with one line before a boot.
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace vm {
namespace {

// EXPECT_EXIT_CODE evaluates its argument more than once: never give it a command to run.
void expect_exit(const RunResult& result, int code) {
    EXPECT_EXIT_CODE(result, code);
}

// One OPS_HOME with an 8 MiB volume "data"; deletes the instances it tracked at the end.
class VolumeHome {
  public:
    VolumeHome() {
        m_options.ops_home = m_home.path();
        expect_exit(ops({"volume", "create", "data", "-s", "8M"}), 0);
    }
    ~VolumeHome() {
        for (const std::string& name : m_names)
            ops({"instance", "delete", name});
    }
    std::string path() const { return m_home.path(); }
    // The file of the volume "data" (volumes/data:<uuid>.raw).
    std::string data_file() const {
        for (const auto& entry :
             std::filesystem::directory_iterator(m_home.path() + "/.ops/volumes"))
            if (entry.path().filename().string().rfind("data:", 0) == 0)
                return entry.path().string();
        return "";
    }
    RunResult ops(const std::vector<std::string>& args) const { return run_ops(args, m_options); }
    void track(const std::string& name) { m_names.push_back(name); }
    bool logs_contain(const std::string& name, const std::string& line) const {
        RunResult r = ops({"instance", "logs", name});
        return has_lines_in_order(r.out_lines(), {line});
    }
    // Polls the console until `line` is in it, at most `timeout`.
    bool wait_for_line(const std::string& name, const std::string& line,
                       std::chrono::seconds timeout = std::chrono::seconds(90)) const {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (logs_contain(name, line))
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        }
        return logs_contain(name, line);
    }
    std::string logs(const std::string& name) const {
        return ops({"instance", "logs", name}).describe();
    }

  private:
    TempDir m_home;
    RunOptions m_options;
    std::vector<std::string> m_names;
};

TEST(InstanceVolume, WrittenByOneInstanceReadAfterItIsDeleted) {
    VolumeHome home;
    expect_exit(home.ops({"build", app("fs_volume-static"), "-a", "write", "--mounts", "data:/data",
                          "-i", "writer"}),
                0);
    home.track("w");
    expect_exit(home.ops({"instance", "create", "writer", "-i", "w", "-m", "256M", "--mounts",
                          "data:/data"}),
                0);
    ASSERT_TRUE(home.wait_for_line("w", "PASSED: 0 failures")) << home.logs("w");
    EXPECT_TRUE(home.logs_contain("w", "ok wrote the note")) << home.logs("w");
    expect_exit(home.ops({"instance", "delete", "w"}), 0);

    RunResult cat = home.ops({"volume", "cat", "data", "/note"});
    EXPECT_EXIT_CODE(cat, 0);
    EXPECT_EQ(cat.out, "from the first run\n") << cat.describe();

    // A second instance reads it, and reads it again when started again from its record.
    expect_exit(home.ops({"build", app("fs_volume-static"), "-a", "read", "--mounts", "data:/data",
                          "-i", "reader"}),
                0);
    home.track("r");
    expect_exit(home.ops({"instance", "create", "reader", "-i", "r", "-m", "256M", "--mounts",
                          "data:/data"}),
                0);
    ASSERT_TRUE(home.wait_for_line("r", "ok note from the first run")) << home.logs("r");
    ASSERT_TRUE(home.wait_for_line("r", "PASSED: 0 failures")) << home.logs("r");
    // The program has exited; a start boots it again with the volume attached.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    RunResult started = home.ops({"instance", "start", "r"});
    while (started.exit_code != 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        started = home.ops({"instance", "start", "r"});
    }
    expect_exit(started, 0);
    ASSERT_TRUE(home.wait_for_line("r", "ok note from the first run")) << home.logs("r");
}

TEST(InstanceVolume, AVolumeOfARunningInstanceIsRefusedToAnother) {
    VolumeHome home;
    expect_exit(
        home.ops({"build", app("sleeper-static"), "--mounts", "data:/data", "-i", "sleeper"}), 0);
    home.track("s1");
    expect_exit(home.ops({"instance", "create", "sleeper", "-i", "s1", "-m", "256M", "--mounts",
                          "data:/data"}),
                0);
    home.track("s2");
    RunResult second = home.ops(
        {"instance", "create", "sleeper", "-i", "s2", "-m", "256M", "--mounts", "data:/data"});
    EXPECT_EXIT_CODE(second, 1);
    EXPECT_NE(second.err.find("volume data is already attached to running instance \"s1\""),
              std::string::npos)
        << second.describe();
    EXPECT_EQ(second.err_lines().size(), 1u) << second.describe();
    RunResult list = home.ops({"instance", "list"});
    EXPECT_EQ(list.out.find("s2"), std::string::npos) << list.describe();

    // Once s1 is stopped, s2 may have it; then s1 cannot start.
    expect_exit(home.ops({"instance", "stop", "s1"}), 0);
    expect_exit(home.ops({"instance", "create", "sleeper", "-i", "s2", "-m", "256M", "--mounts",
                          "data:/data"}),
                0);
    RunResult again = home.ops({"instance", "start", "s1"});
    EXPECT_EXIT_CODE(again, 1);
    EXPECT_NE(again.err.find("already attached to running instance \"s2\""), std::string::npos)
        << again.describe();
}

// A QEMU outside these records (here an instance of another OPS_HOME, reaching the file through
// a link) holds the volume's lock: refused with one line, nothing kept.
TEST(InstanceVolume, AVolumeLockedByAnotherQemuIsOneLine) {
    VolumeHome home, other;
    for (const VolumeHome* each : {&home, &other})
        expect_exit(
            each->ops({"build", app("sleeper-static"), "--mounts", "data:/data", "-i", "sleeper"}),
            0);
    home.track("holder");
    expect_exit(home.ops({"instance", "create", "sleeper", "-i", "holder", "-m", "256M", "--mounts",
                          "data:/data"}),
                0);
    std::string link = other.path() + "/shared.raw";
    ASSERT_EQ(::symlink(home.data_file().c_str(), link.c_str()), 0);
    other.track("second");
    RunResult second = other.ops({"instance", "create", "sleeper", "-i", "second", "-m", "256M",
                                  "--mounts", link + ":/data"});
    EXPECT_EXIT_CODE(second, 1);
    EXPECT_NE(second.err.find("is in use by another QEMU"), std::string::npos) << second.describe();
    EXPECT_EQ(second.err_lines().size(), 1u) << second.describe();
    RunResult list = other.ops({"instance", "list"});
    EXPECT_EQ(list.out.find("second"), std::string::npos) << list.describe();
}

// Each mistake is one line on stderr and a non-zero exit, before anything boots.
void expect_refused(const VolumeHome& home, const std::vector<std::string>& args,
                    const std::string& words) {
    RunResult r = home.ops(args);
    EXPECT_TRUE(r.exited && r.exit_code != 0) << r.describe();
    EXPECT_EQ(r.err_lines().size(), 1u) << r.describe();
    EXPECT_NE(r.err.find(words), std::string::npos) << r.describe();
}

TEST(InstanceVolume, BadMountsFailWithOneLine) {
    VolumeHome home;
    expect_exit(home.ops({"build", app("sleeper-static"), "-i", "sleeper"}), 0);
    std::vector<std::string> create = {"instance", "create", "sleeper", "-i", "bad", "--mounts"};
    auto with = [&](std::vector<std::string> more) {
        std::vector<std::string> args = create;
        args.insert(args.end(), more.begin(), more.end());
        return args;
    };
    expect_refused(home, with({"missing:/data"}), "missing");
    expect_refused(home, with({"data:/a", "--mounts", "data:/b"}), "attached twice");
    expect_refused(home, with({"data:/"}), "cannot be mounted at /");
    expect_refused(home, with({"data"}), "VOLUME:/PATH");
    expect_refused(home, {"build", app("sleeper-static"), "-i", "x", "--mounts", "data:/"},
                   "cannot be mounted at /");
    RunResult list = home.ops({"instance", "list"});
    EXPECT_EQ(list.out.find("bad"), std::string::npos) << list.describe();
}

} // namespace
} // namespace vm
