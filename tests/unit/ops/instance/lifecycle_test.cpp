// Tests for ops/instance/lifecycle.cpp with a fake host (no QEMU): concurrent creates, port
// reservations, stale records, exit statuses, stop fallbacks, start, delete, failed boots.
#include "ops/instance/lifecycle.h"

#include "ops/base/error.h"
#include "ops/instance/host_process.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace ops {
namespace {

namespace fs = std::filesystem;

// A process table in memory. Thread-safe: the concurrency tests share one.
class FakeHost {
  public:
    ProcessControl control() {
        ProcessControl control;
        control.start = [this](const LaunchSpec& spec) {
            std::lock_guard guard(m_mutex);
            if (m_fail_start)
                throw Error("QEMU stopped while starting the instance: " + m_fail_message, "");
            int pid = m_next_pid++;
            if (!m_dies_with_log.empty()) {
                // Up long enough to answer QMP, then gone, as QEMU refusing a disk lock.
                std::ofstream(spec.qemu_log) << m_dies_with_log;
                m_started.push_back(spec);
                return pid;
            }
            m_processes[pid] = spec.argv;
            m_started.push_back(spec);
            return pid;
        };
        control.command_line = [this](int pid) -> std::optional<std::vector<std::string>> {
            std::lock_guard guard(m_mutex);
            auto it = m_processes.find(pid);
            if (it == m_processes.end())
                return std::nullopt;
            return it->second;
        };
        control.host_port_unavailable =
            [this](const PortForward& forward) -> std::optional<std::string> {
            std::lock_guard guard(m_mutex);
            if (m_busy_ports.count(forward.host))
                return std::string("is already in use");
            return std::nullopt;
        };
        control.set_up_tap = [this](const std::string& tap, const std::string& bridge) {
            std::lock_guard guard(m_mutex);
            // Like the real one: an existing tap is used as it is.
            bool created = m_taps.insert(tap).second;
            return TapSetup{tap, bridge, created, created && !bridge.empty(), false};
        };
        control.tear_down_tap = [this](const TapSetup& setup) {
            std::lock_guard guard(m_mutex);
            m_taps.erase(setup.tap);
            m_torn_down.push_back(setup);
            return std::string();
        };
        control.volume_locked_elsewhere = [this](const AttachedVolume& volume) {
            std::lock_guard guard(m_mutex);
            return m_locked_volumes.count(volume.file.string()) > 0;
        };
        control.send_signal = [this](int pid, int signal) {
            std::lock_guard guard(m_mutex);
            m_signals.push_back(signal);
            if (signal == SIGKILL || (signal == SIGTERM && !m_ignore_term))
                m_processes.erase(pid);
        };
        return control;
    }

    void kill(int pid) {
        std::lock_guard guard(m_mutex);
        m_processes.erase(pid);
    }
    void replace(int pid, std::vector<std::string> argv) {
        std::lock_guard guard(m_mutex);
        m_processes[pid] = std::move(argv);
    }
    void set_busy(std::uint16_t port) {
        std::lock_guard guard(m_mutex);
        m_busy_ports.insert(port);
    }
    void set_fail_start(bool fail, std::string message = "boom") {
        m_fail_start = fail;
        m_fail_message = std::move(message);
    }
    void set_ignore_term(bool ignore) { m_ignore_term = ignore; }
    void set_dies_with_log(std::string log) { m_dies_with_log = std::move(log); }
    void set_locked_elsewhere(const fs::path& file) {
        std::lock_guard guard(m_mutex);
        m_locked_volumes.insert(file.string());
    }
    std::vector<int> signals() {
        std::lock_guard guard(m_mutex);
        return m_signals;
    }
    void remove_tap(const std::string& tap) {
        std::lock_guard guard(m_mutex);
        m_taps.erase(tap);
    }
    std::set<std::string> taps() {
        std::lock_guard guard(m_mutex);
        return m_taps;
    }
    std::vector<TapSetup> torn_down() {
        std::lock_guard guard(m_mutex);
        return m_torn_down;
    }
    std::vector<LaunchSpec> started() {
        std::lock_guard guard(m_mutex);
        return m_started;
    }

  private:
    std::mutex m_mutex;
    int m_next_pid = 1000;
    std::map<int, std::vector<std::string>> m_processes;
    std::set<std::uint16_t> m_busy_ports;
    std::set<std::string> m_taps;
    std::vector<TapSetup> m_torn_down;
    std::vector<int> m_signals;
    std::vector<LaunchSpec> m_started;
    bool m_fail_start = false;
    std::string m_fail_message = "boom";
    std::string m_dies_with_log;
    std::set<std::string> m_locked_volumes;
    bool m_ignore_term = false;
};

StopTimeouts short_timeouts() {
    StopTimeouts timeouts;
    timeouts.qmp = std::chrono::milliseconds(100);
    timeouts.after_quit = std::chrono::milliseconds(100);
    timeouts.after_term = std::chrono::milliseconds(100);
    timeouts.after_kill = std::chrono::milliseconds(100);
    return timeouts;
}

class InstanceLifecycle : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/ops-instance-test-XXXXXX";
        m_root = ::mkdtemp(pattern);
        m_image = m_root / ".ops" / "images" / "app";
        fs::create_directories(m_image.parent_path());
        std::ofstream(m_image) << "image bytes";
    }
    void TearDown() override { fs::remove_all(m_root); }

    StorePaths store() const { return StorePaths(m_root / ".ops"); }
    Instances instances() { return Instances(store(), m_host.control(), short_timeouts()); }
    CreateInstanceRequest request(const std::string& name,
                                  std::vector<PortForward> ports = {}) const {
        CreateInstanceRequest request;
        request.image = m_image;
        request.name = name;
        request.ports = std::move(ports);
        request.kernel = "/opt/ops/kernel.elf";
        request.memory_mib = 256;
        return request;
    }
    fs::path instance_file(const std::string& name, const std::string& file) const {
        return m_root / ".ops" / "instances" / name / file;
    }

    fs::path m_root;
    fs::path m_image;
    FakeHost m_host;
};

TEST_F(InstanceLifecycle, CreateRecordsAndStartsWithQmpAndConsole) {
    InstanceRecord record = instances().create(request("web", {{8080, 80}}));
    EXPECT_EQ(record.name, "web");
    EXPECT_GT(record.pid, 0);
    EXPECT_EQ(record.image, m_image);
    EXPECT_EQ(record.disk, instance_file("web", "disk.raw"));
    EXPECT_TRUE(fs::exists(record.disk));
    auto started = m_host.started();
    ASSERT_EQ(started.size(), 1u);
    EXPECT_EQ(started[0].argv, record.argv);
    EXPECT_EQ(started[0].qmp_socket, instance_file("web", "qmp.sock"));
    auto has = [&](const std::string& value) {
        return std::find(record.argv.begin(), record.argv.end(), value) != record.argv.end();
    };
    EXPECT_TRUE(has("chardev=qmp,mode=control"));
    EXPECT_TRUE(has("file,id=con,path=" + instance_file("web", "console.log").string()));
    EXPECT_TRUE(has("user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80"));
    EXPECT_TRUE(has("file=" + record.disk.string() + ",format=raw,if=none,id=hd0"));

    auto on_disk = instances().registry().read("web");
    ASSERT_TRUE(on_disk);
    EXPECT_EQ(*on_disk, record);
    auto listed = instances().list();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].state, InstanceState::Running);
}

TEST_F(InstanceLifecycle, EightConcurrentCreatesLeaveEightConsistentRecords) {
    std::vector<std::thread> threads;
    std::vector<std::string> errors(8);
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&, i] {
            try {
                // Each thread has its own Instances, as separate ops processes would.
                Instances own(store(), m_host.control(), short_timeouts());
                CreateInstanceRequest r = request("", {{static_cast<std::uint16_t>(8000 + i), 80}});
                own.create(r);
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        });
    for (auto& thread : threads)
        thread.join();
    for (const auto& error : errors)
        EXPECT_EQ(error, "");
    auto listed = instances().list();
    ASSERT_EQ(listed.size(), 8u);
    std::set<int> pids;
    std::set<std::uint16_t> ports;
    std::set<std::string> names;
    for (const auto& status : listed) {
        EXPECT_EQ(status.state, InstanceState::Running) << status.record.name;
        pids.insert(status.record.pid);
        names.insert(status.record.name);
        ASSERT_EQ(status.record.ports.size(), 1u);
        ports.insert(status.record.ports[0].host);
        EXPECT_TRUE(fs::exists(status.record.disk));
        EXPECT_EQ(status.record.name.rfind("app-", 0), 0u) << status.record.name;
    }
    EXPECT_EQ(pids.size(), 8u);
    EXPECT_EQ(ports.size(), 8u);
    EXPECT_EQ(names.size(), 8u);
    // No temporary files left behind by the atomic writes.
    for (const auto& entry : fs::recursive_directory_iterator(m_root / ".ops" / "instances"))
        EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos)
            << entry.path();
}

TEST_F(InstanceLifecycle, ConcurrentCreatesOnOnePortLetExactlyOneWin) {
    std::atomic<int> won{0}, refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&, i] {
            try {
                Instances own(store(), m_host.control(), short_timeouts());
                own.create(request("same-port-" + std::to_string(i), {{7000, 80}}));
                ++won;
            } catch (const Error& e) {
                EXPECT_NE(std::string(e.what()).find("host port 7000/tcp is reserved"),
                          std::string::npos)
                    << e.what();
                ++refused;
            }
        });
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(won, 1);
    EXPECT_EQ(refused, 7);
    EXPECT_EQ(instances().list().size(), 1u);
}

TEST_F(InstanceLifecycle, ConcurrentCreatesInSeparateProcesses) {
    std::vector<pid_t> children;
    for (int i = 0; i < 8; ++i) {
        pid_t child = ::fork();
        if (child == 0) {
            // A fresh fake per process; pids only need to be distinct within the records.
            FakeHost host;
            int status = 0;
            try {
                Instances own(store(), host.control(), short_timeouts());
                own.create(
                    request("p" + std::to_string(i), {{static_cast<std::uint16_t>(8100 + i), 80}}));
            } catch (...) {
                status = 1;
            }
            ::_exit(status);
        }
        children.push_back(child);
    }
    for (pid_t child : children) {
        int status = 0;
        ::waitpid(child, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    InstanceRegistry registry(m_root / ".ops" / "instances");
    auto names = registry.names();
    ASSERT_EQ(names.size(), 8u);
    for (const auto& name : names) {
        auto record = registry.read(name);
        ASSERT_TRUE(record);
        EXPECT_EQ(record->name, name);
        EXPECT_EQ(record->ports.size(), 1u);
    }
}

TEST_F(InstanceLifecycle, PortReservedByAnotherInstanceIsRefused) {
    instances().create(request("a", {{8080, 80}}));
    EXPECT_THROW(instances().create(request("b", {{8080, 81}})), Error);
    // Still reserved while stopped: a stopped instance can start again on its ports.
    instances().stop("a");
    EXPECT_THROW(instances().create(request("b", {{8080, 81}})), Error);
    EXPECT_FALSE(fs::exists(m_root / ".ops" / "instances" / "b"));
    instances().remove("a");
    EXPECT_NO_THROW(instances().create(request("b", {{8080, 81}})));
}

TEST_F(InstanceLifecycle, PortInUseOnTheHostIsRefused) {
    m_host.set_busy(9090);
    try {
        instances().create(request("a", {{9090, 80}}));
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "host port 9090/tcp on 127.0.0.1 is already in use");
    }
    EXPECT_TRUE(instances().list().empty());
}

TEST_F(InstanceLifecycle, Q35InstancesKeepTheirMachineAcrossStarts) {
    CreateInstanceRequest wanted = request("pci");
    wanted.machine = Machine::Q35;
    InstanceRecord record = instances().create(wanted);
    EXPECT_EQ(record.machine, Machine::Q35);
    auto has_pci_disk = [](const std::vector<std::string>& argv) {
        return std::find_if(argv.begin(), argv.end(), [](const std::string& arg) {
                   return arg.rfind("virtio-blk-pci", 0) == 0;
               }) != argv.end();
    };
    EXPECT_TRUE(has_pci_disk(m_host.started().back().argv));
    instances().stop("pci");
    InstanceRecord again = instances().start("pci", Accel::Tcg);
    EXPECT_EQ(again.machine, Machine::Q35);
    EXPECT_TRUE(has_pci_disk(m_host.started().back().argv));
}

TEST_F(InstanceLifecycle, UdpAndTcpReservationsAreSeparate) {
    instances().create(request("a", {{5353, 53, Protocol::Udp}}));
    EXPECT_NO_THROW(instances().create(request("b", {{5353, 53, Protocol::Tcp}})));
    EXPECT_THROW(instances().create(request("c", {{5353, 54, Protocol::Udp}})), Error);
}

TEST_F(InstanceLifecycle, UserNetworkInstancesGetAStableMac) {
    InstanceRecord record = instances().create(request("web", {{8080, 80}}));
    ASSERT_EQ(record.mac.size(), 17u);
    std::vector<std::string> argv = m_host.started().back().argv;
    EXPECT_NE(std::find(argv.begin(), argv.end(), "user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80"),
              argv.end());
    EXPECT_NE(std::find(argv.begin(), argv.end(), "virtio-net-device,netdev=n0,mac=" + record.mac),
              argv.end());
    instances().stop("web");
    InstanceRecord again = instances().start("web", Accel::Tcg);
    EXPECT_EQ(again.mac, record.mac);
}

TEST_F(InstanceLifecycle, BridgedInstanceKeepsItsTapUntilDelete) {
    CreateInstanceRequest bridged = request("br-web");
    bridged.use_tap = true;
    bridged.bridge = "br0";
    InstanceRecord record = instances().create(bridged);
    EXPECT_EQ(record.tap.tap.rfind("opstap-", 0), 0u);
    EXPECT_EQ(record.tap.tap.size(), 15u); // IFNAMSIZ - 1
    EXPECT_EQ(record.tap.bridge, "br0");
    EXPECT_EQ(m_host.taps(), (std::set<std::string>{record.tap.tap}));
    std::vector<std::string> argv = m_host.started().back().argv;
    EXPECT_NE(std::find(argv.begin(), argv.end(),
                        "tap,id=n0,ifname=" + record.tap.tap + ",script=no,downscript=no"),
              argv.end());
    // Stopping keeps the tap; the record remembers what create made.
    instances().stop("br-web");
    EXPECT_EQ(m_host.taps().size(), 1u);
    auto saved = InstanceRegistry(m_root / ".ops" / "instances").read("br-web");
    ASSERT_TRUE(saved);
    EXPECT_EQ(saved->tap, record.tap);
    // A start after the tap vanished (host reboot) makes it again; one that is there is reused.
    m_host.remove_tap(record.tap.tap);
    instances().start("br-web", Accel::Tcg);
    EXPECT_EQ(m_host.taps(), (std::set<std::string>{record.tap.tap}));
    instances().stop("br-web");
    // A second instance cannot take the same tap.
    CreateInstanceRequest same = request("other");
    same.use_tap = true;
    same.tap = record.tap.tap;
    EXPECT_THROW(instances().create(same), Error);
    EXPECT_EQ(instances().remove("br-web"), "");
    EXPECT_TRUE(m_host.taps().empty());
    ASSERT_EQ(m_host.torn_down().size(), 1u);
    EXPECT_EQ(m_host.torn_down()[0], record.tap);
}

TEST_F(InstanceLifecycle, BridgedWithPortsIsRefusedAndAFailedBootRemovesTheTap) {
    CreateInstanceRequest bridged = request("a", {{8080, 80}});
    bridged.use_tap = true;
    EXPECT_THROW(instances().create(bridged), Error);
    EXPECT_TRUE(m_host.taps().empty());
    m_host.set_fail_start(true);
    bridged.ports.clear();
    bridged.tap = "tap9";
    EXPECT_THROW(instances().create(bridged), Error);
    EXPECT_TRUE(m_host.taps().empty());
    ASSERT_EQ(m_host.torn_down().size(), 1u);
    EXPECT_EQ(m_host.torn_down()[0].tap, "tap9");
    EXPECT_FALSE(fs::exists(m_root / ".ops" / "instances" / "a"));
}

TEST_F(InstanceLifecycle, NameTakenIsRefused) {
    instances().create(request("a"));
    EXPECT_THROW(instances().create(request("a")), Error);
    EXPECT_THROW(instances().create(request("../x")), Error);
}

TEST_F(InstanceLifecycle, DeadPidIsShownStoppedAndCleaned) {
    InstanceRecord record = instances().create(request("a"));
    m_host.kill(record.pid);
    auto listed = instances().list();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].state, InstanceState::Stopped);
    EXPECT_TRUE(listed[0].cleaned_stale);
    EXPECT_EQ(instances().registry().read("a")->pid, 0);
    EXPECT_FALSE(instances().list()[0].cleaned_stale);
}

TEST_F(InstanceLifecycle, ReusedPidIsNotOurs) {
    InstanceRecord record = instances().create(request("a"));
    m_host.replace(record.pid, {"/usr/bin/vim", "notes.txt"});
    auto status = instances().status("a");
    EXPECT_EQ(status.state, InstanceState::Stopped);
    EXPECT_TRUE(status.cleaned_stale);
    // Stopping must not signal the unrelated program.
    EXPECT_FALSE(instances().stop("a"));
    EXPECT_TRUE(m_host.signals().empty());
}

TEST_F(InstanceLifecycle, ExitChannelGivesTheProgramsStatus) {
    InstanceRecord record = instances().create(request("a"));
    std::ofstream(instance_file("a", "exit")) << "exit 3\n";
    m_host.kill(record.pid);
    auto status = instances().status("a");
    EXPECT_EQ(status.state, InstanceState::Exited);
    EXPECT_EQ(status.exit_code, 3);
    std::ofstream(instance_file("a", "exit")) << "panic\n";
    EXPECT_EQ(instances().status("a").state, InstanceState::Crashed);
}

TEST_F(InstanceLifecycle, StopFallsBackToSigtermWithoutQmp) {
    InstanceRecord record = instances().create(request("a"));
    EXPECT_TRUE(instances().stop("a"));
    EXPECT_EQ(m_host.signals(), std::vector<int>{SIGTERM});
    EXPECT_EQ(instances().status("a").state, InstanceState::Stopped);
    EXPECT_EQ(instances().registry().read("a")->pid, 0);
    EXPECT_FALSE(instances().stop("a"));
}

TEST_F(InstanceLifecycle, StopEscalatesToSigkill) {
    m_host.set_ignore_term(true);
    instances().create(request("a"));
    EXPECT_TRUE(instances().stop("a"));
    EXPECT_EQ(m_host.signals(), (std::vector<int>{SIGTERM, SIGKILL}));
}

TEST_F(InstanceLifecycle, StartBootsAStoppedInstanceAgain) {
    InstanceRecord first = instances().create(request("a", {{8080, 80}}));
    EXPECT_THROW(instances().start("a", Accel::Tcg), Error); // already running
    instances().stop("a");
    std::ofstream(instance_file("a", "console.log")) << "first boot\n";
    InstanceRecord second = instances().start("a", Accel::Tcg);
    EXPECT_NE(second.pid, first.pid);
    EXPECT_EQ(second.ports, first.ports);
    EXPECT_EQ(second.created, first.created);
    EXPECT_EQ(instances().status("a").state, InstanceState::Running);
    // The previous boot's console is kept once.
    EXPECT_TRUE(fs::exists(instance_file("a", "console.log.1")));
    InstanceRecord third = instances().reboot("a", Accel::Tcg);
    EXPECT_NE(third.pid, second.pid);
}

TEST_F(InstanceLifecycle, DeleteStopsAndRemovesButKeepsTheImage) {
    instances().create(request("a"));
    instances().remove("a");
    EXPECT_FALSE(fs::exists(m_root / ".ops" / "instances" / "a"));
    EXPECT_TRUE(fs::exists(m_image));
    EXPECT_EQ(m_host.signals(), std::vector<int>{SIGTERM});
    EXPECT_THROW(instances().remove("a"), Error);
    EXPECT_THROW(instances().stop("nope"), Error);
}

TEST_F(InstanceLifecycle, FailedBootKeepsNothing) {
    m_host.set_fail_start(true);
    EXPECT_THROW(instances().create(request("a", {{8080, 80}})), Error);
    EXPECT_FALSE(fs::exists(m_root / ".ops" / "instances" / "a"));
    m_host.set_fail_start(false);
    EXPECT_NO_THROW(instances().create(request("b", {{8080, 80}})));
}

// A volume file in the test's store: volumes/<name>:<uuid>.raw.
fs::path make_volume(const fs::path& root, const std::string& name) {
    fs::path file =
        root / ".ops" / "volumes" / (name + ":01234567-89ab-cdef-0123-456789abcdef.raw");
    fs::create_directories(file.parent_path());
    std::ofstream(file) << "volume bytes";
    return file;
}

TEST_F(InstanceLifecycle, VolumesAreRecordedAndAttachedAtEveryBoot) {
    fs::path data = make_volume(m_root, "data");
    fs::path logs = make_volume(m_root, "logs");
    CreateInstanceRequest wanted = request("a");
    wanted.volumes = {{data, false}, {logs, true}};
    InstanceRecord record = instances().create(wanted);
    EXPECT_EQ(record.volumes, wanted.volumes);
    EXPECT_EQ(instances().registry().read("a")->volumes, wanted.volumes);
    auto has = [](const std::vector<std::string>& argv, const std::string& value) {
        return std::find(argv.begin(), argv.end(), value) != argv.end();
    };
    EXPECT_TRUE(has(record.argv, "file=" + data.string() + ",format=raw,if=none,id=vol0"));
    EXPECT_TRUE(
        has(record.argv, "file=" + logs.string() + ",format=raw,if=none,id=vol1,readonly=on"));
    EXPECT_TRUE(has(record.argv, "virtio-blk-device,drive=vol1"));
    // stop/start and reboot attach them again.
    instances().stop("a");
    InstanceRecord again = instances().start("a", Accel::Tcg);
    EXPECT_TRUE(has(again.argv, "file=" + data.string() + ",format=raw,if=none,id=vol0"));
    InstanceRecord rebooted = instances().reboot("a", Accel::Tcg);
    EXPECT_TRUE(has(rebooted.argv, "virtio-blk-device,drive=vol1"));
}

TEST_F(InstanceLifecycle, VolumeAttachedToARunningInstanceIsRefused) {
    fs::path data = make_volume(m_root, "data");
    CreateInstanceRequest first = request("a");
    first.volumes = {{data, false}};
    instances().create(first);
    CreateInstanceRequest second = request("b");
    second.volumes = {{data, true}};
    try {
        instances().create(second);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("volume data is already attached to running "
                                             "instance \"a\""),
                  std::string::npos)
            << e.what();
    }
    EXPECT_FALSE(fs::exists(m_root / ".ops" / "instances" / "b"));
    // A stopped instance holds nothing: b may use it, and then a cannot start.
    instances().stop("a");
    EXPECT_NO_THROW(instances().create(second));
    EXPECT_THROW(instances().start("a", Accel::Tcg), Error);
    EXPECT_EQ(instances().status("a").state, InstanceState::Stopped);
}

TEST_F(InstanceLifecycle, ReadOnlyEverywhereMayShareAVolume) {
    fs::path data = make_volume(m_root, "data");
    CreateInstanceRequest first = request("a");
    first.volumes = {{data, true}};
    instances().create(first);
    CreateInstanceRequest second = request("b");
    second.volumes = {{data, true}};
    EXPECT_NO_THROW(instances().create(second));
}

TEST_F(InstanceLifecycle, QemuLockFailureIsOneClearLine) {
    fs::path data = make_volume(m_root, "data");
    m_host.set_fail_start(true, "qemu-system-x86_64: -drive file=" + data.string() +
                                    ",format=raw,if=none,id=vol0: Failed to get \"write\" lock\n"
                                    "Is another process using the image [" +
                                    data.string() + "]?\n");
    CreateInstanceRequest wanted = request("a");
    wanted.volumes = {{data, false}};
    try {
        instances().create(wanted);
        FAIL() << "no error";
    } catch (const Error& e) {
        std::string what = e.what();
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        EXPECT_NE(what.find("volume data"), std::string::npos) << what;
        EXPECT_NE(what.find("in use by another QEMU"), std::string::npos) << what;
    }
    EXPECT_FALSE(fs::exists(m_root / ".ops" / "instances" / "a"));
}

TEST_F(InstanceLifecycle, QemuRefusingTheLockJustAfterStartingIsOneClearLine) {
    fs::path data = make_volume(m_root, "data");
    m_host.set_dies_with_log("qemu-system-x86_64: -device virtio-blk-device,drive=vol0: Failed "
                             "to get \"write\" lock\nIs another process using the image [" +
                             data.string() + "]?\n");
    CreateInstanceRequest wanted = request("a");
    wanted.volumes = {{data, false}};
    try {
        instances().create(wanted);
        FAIL() << "no error";
    } catch (const Error& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("volume data (" + data.string() + ") is in use by another QEMU"),
                  std::string::npos)
            << what;
    }
    EXPECT_FALSE(fs::exists(m_root / ".ops" / "instances" / "a"));
}

TEST_F(InstanceLifecycle, VolumeLockedByAnotherProcessIsRefusedBeforeQemuStarts) {
    fs::path data = make_volume(m_root, "data");
    m_host.set_locked_elsewhere(data);
    CreateInstanceRequest wanted = request("a");
    wanted.volumes = {{data, false}};
    try {
        instances().create(wanted);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("is in use by another QEMU"), std::string::npos)
            << e.what();
    }
    EXPECT_TRUE(m_host.started().empty());
    EXPECT_FALSE(fs::exists(m_root / ".ops" / "instances" / "a"));
}

TEST(VolumeLockedElsewhere, SeesQemusLockBytes) {
    char pattern[] = "/tmp/ops-volume-lock-XXXXXX";
    int fd = ::mkstemp(pattern);
    ASSERT_GE(fd, 0);
    fs::path file = pattern;
    EXPECT_FALSE(volume_locked_elsewhere(file, false));
    // A reader that does not share writing, as QEMU with readonly=on: byte 100 and 201.
    auto hold = [](int descriptor, off_t byte) {
        struct flock lock {};
        lock.l_type = F_RDLCK;
        lock.l_whence = SEEK_SET;
        lock.l_start = byte;
        lock.l_len = 1;
        return ::fcntl(descriptor, F_OFD_SETLK, &lock) == 0;
    };
    int reader = ::open(pattern, O_RDONLY);
    ASSERT_TRUE(hold(reader, 100) && hold(reader, 201));
    EXPECT_TRUE(volume_locked_elsewhere(file, false));
    EXPECT_FALSE(volume_locked_elsewhere(file, true));
    ::close(reader);
    int writer = ::open(pattern, O_RDWR);
    ASSERT_TRUE(hold(writer, 100) && hold(writer, 101) && hold(writer, 201));
    EXPECT_TRUE(volume_locked_elsewhere(file, true));
    ::close(writer);
    EXPECT_FALSE(volume_locked_elsewhere(file, false));
    ::close(fd);
    fs::remove(file);
}

TEST_F(InstanceLifecycle, AVolumeDeletedSinceIsAClearErrorAtStart) {
    fs::path data = make_volume(m_root, "data");
    CreateInstanceRequest wanted = request("a");
    wanted.volumes = {{data, false}};
    instances().create(wanted);
    instances().stop("a");
    fs::remove(data);
    try {
        instances().start("a", Accel::Tcg);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("volume data of instance \"a\" is gone"),
                  std::string::npos)
            << e.what();
    }
}

TEST_F(InstanceLifecycle, LogsPrintTheConsole) {
    InstanceRecord record = instances().create(request("a"));
    std::ofstream(instance_file("a", "console.log")) << "sleeping\n";
    m_host.kill(record.pid);
    char* text = nullptr;
    std::size_t size = 0;
    std::FILE* out = ::open_memstream(&text, &size);
    instances().write_logs("a", Instances::Follow::Yes, out); // returns: not running
    std::fclose(out);
    EXPECT_EQ(std::string(text, size), "sleeping\n");
    std::free(text);
}

TEST(ResolveInstanceImage, NamesAndPaths) {
    char pattern[] = "/tmp/ops-instance-test-XXXXXX";
    fs::path root = ::mkdtemp(pattern);
    StorePaths store(root / ".ops");
    fs::create_directories(store.images());
    std::ofstream(store.image("web")) << "x";
    EXPECT_EQ(resolve_instance_image(store, "web"), store.image("web"));
    EXPECT_EQ(resolve_instance_image(store, store.image("web").string()), store.image("web"));
    EXPECT_THROW(resolve_instance_image(store, "missing"), Error);
    EXPECT_THROW(resolve_instance_image(store, "/nonexistent/x"), Error);
    fs::remove_all(root);
}

TEST(CopyDisk, KeepsContentAndHoles) {
    char pattern[] = "/tmp/ops-instance-test-XXXXXX";
    fs::path root = ::mkdtemp(pattern);
    {
        std::ofstream file(root / "in", std::ios::binary);
        file << "head";
        file.seekp(8 << 20);
        file << "tail";
    }
    copy_disk(root / "in", root / "out");
    EXPECT_EQ(fs::file_size(root / "out"), fs::file_size(root / "in"));
    std::ifstream in(root / "in", std::ios::binary), out(root / "out", std::ios::binary);
    std::string a((std::istreambuf_iterator<char>(in)), {}),
        b((std::istreambuf_iterator<char>(out)), {});
    EXPECT_EQ(a, b);
    fs::remove_all(root);
}

} // namespace
} // namespace ops
