// lifecycle.cpp: instance create/list/start/stop/reboot/delete/logs over the registry.
#include "ops/instance/lifecycle.h"
#include "ops/store/bounded_read.h"

#include "ops/base/error.h"
#include "ops/instance/qmp.h"
#include "ops/store/paths.h"
#include "ops/vmm/exit_status.h"
#include "ops/vmm/qemu_args.h"
#include "ops/volume/attach.h"

#include <csignal>
#include <ctime>
#include <fstream>
#include <thread>

namespace ops {

namespace {

constexpr std::chrono::milliseconds kPollInterval{20};
constexpr std::chrono::milliseconds kLogPollInterval{200};
constexpr std::size_t kMaxQemuLogBytes = 64 * 1024;
// Default names are <image>-<seconds>; more than this many creates in one second is a bug.
constexpr int kMaxDefaultNameSuffix = 1000;

std::int64_t unix_now() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

std::uint64_t realtime_ns_now() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

// Eight hex digits of FNV-1a over the instance name: default tap names must fit IFNAMSIZ (15)
// while instance names may be 64 characters long.
std::string short_hash(const std::string& text) {
    std::uint32_t hash = 2166136261u;
    for (unsigned char c : text)
        hash = (hash ^ c) * 16777619u;
    char buffer[9];
    std::snprintf(buffer, sizeof buffer, "%08x", hash);
    return buffer;
}

// Two attachments of one volume file clash unless both are read-only (QEMU's shared lock).
bool same_volume(const AttachedVolume& a, const AttachedVolume& b) {
    if (a.read_only && b.read_only)
        return false;
    std::error_code error;
    if (std::filesystem::equivalent(a.file, b.file, error))
        return true;
    return a.file.lexically_normal() == b.file.lexically_normal();
}

[[noreturn]] void volume_in_use(const AttachedVolume& volume) {
    throw Error("volume " + volume_name_of(volume.file) + " (" + volume.file.string() +
                    ") is in use by another QEMU, which holds its lock",
                "stop the VM using it (an ops run, or an instance of another OPS_HOME) and try "
                "again");
}

// QEMU refuses a disk another process holds ("Failed to get "write" lock ... Is another process
// using the image [<file>]?"): one line naming the volume instead of QEMU's log.
void rethrow_lock_failure(const std::string& text, const std::vector<AttachedVolume>& volumes) {
    if (text.find("Failed to get") == std::string::npos || text.find("lock") == std::string::npos)
        return;
    for (const AttachedVolume& volume : volumes)
        if (text.find(volume.file.string()) != std::string::npos)
            volume_in_use(volume);
}

// QEMU opens its QMP socket before it realizes the disks, so a lock refusal can come just after
// the start said it was up.
constexpr std::chrono::milliseconds kVolumeLockGrace{500};

[[noreturn]] void no_such_instance(const std::string& name) {
    throw Error("there is no instance named \"" + name + "\"", "see ops instance list");
}

} // namespace

const char* instance_state_name(InstanceState state) {
    switch (state) {
    case InstanceState::Running:
        return "running";
    case InstanceState::Stopped:
        return "stopped";
    case InstanceState::Exited:
        return "exited";
    case InstanceState::Crashed:
        return "crashed";
    }
    return "unknown";
}

ProcessControl ProcessControl::real() {
    ProcessControl control;
    control.start = spawn_detached;
    control.command_line = process_command_line;
    control.host_port_unavailable = ops::host_port_unavailable;
    control.send_signal = [](int pid, int signal) { ::kill(pid, signal); };
    control.set_up_tap = [](const std::string& tap, const std::string& bridge) {
        return ops::set_up_tap(tap, bridge, TapHost::real());
    };
    control.tear_down_tap = [](const TapSetup& setup) {
        return ops::tear_down_tap(setup, TapHost::real());
    };
    control.volume_locked_elsewhere = [](const AttachedVolume& volume) {
        return ops::volume_locked_elsewhere(volume.file, volume.read_only);
    };
    return control;
}

std::filesystem::path resolve_instance_image(const StorePaths& store, const std::string& image) {
    std::error_code error;
    std::filesystem::path path;
    if (image.find('/') != std::string::npos || std::filesystem::is_regular_file(image, error))
        path = std::filesystem::absolute(image, error);
    else if (image.empty() || image == "." || image == "..")
        throw Error("no image given", "give an image name (ops image list) or a path");
    else
        path = store.image(image);
    if (!std::filesystem::is_regular_file(path, error))
        throw Error("there is no image " + path.string(),
                    "build one with ops build <elf> -i <name>, or give the path of an image");
    return path;
}

Instances::Instances(const StorePaths& store, ProcessControl control, StopTimeouts timeouts)
    : m_registry(store.root() / "instances"), m_control(std::move(control)), m_timeouts(timeouts) {}

bool Instances::is_running(const InstanceRecord& record) const {
    if (record.pid <= 0)
        return false;
    auto command_line = m_control.command_line(record.pid);
    // A pid alone may have been reused by another program since: it is ours only if it still
    // runs exactly the command line we started.
    return command_line && *command_line == record.argv;
}

InstanceRecord Instances::read_existing(const std::string& name) const {
    check_instance_name(name);
    auto record = m_registry.read(name);
    if (!record)
        no_such_instance(name);
    return *record;
}

InstanceStatus Instances::status_locked(const std::string& name, InstanceRecord record) {
    InstanceStatus status;
    if (is_running(record)) {
        status.state = InstanceState::Running;
        status.record = std::move(record);
        return status;
    }
    if (record.pid != 0) {
        record.pid = 0;
        m_registry.write(record);
        std::error_code ignored;
        std::filesystem::remove(m_registry.qmp_socket(name), ignored);
        status.cleaned_stale = true;
    }
    ExitLine line = parse_exit_line(
        read_bounded(m_registry.exit_channel(name), kMaxExitChannelBytes).value_or(""));
    switch (line.kind) {
    case ExitLine::Kind::Exit:
        status.state = InstanceState::Exited;
        status.exit_code = line.code;
        break;
    case ExitLine::Kind::Panic:
    case ExitLine::Kind::Malformed:
        status.state = InstanceState::Crashed;
        break;
    case ExitLine::Kind::Missing:
        status.state = InstanceState::Stopped;
        break;
    }
    status.record = std::move(record);
    return status;
}

void Instances::check_ports_locked(const InstanceRecord& record) const {
    for (const std::string& other : m_registry.names()) {
        if (other == record.name)
            continue;
        std::optional<InstanceRecord> other_record;
        try {
            other_record = m_registry.read(other);
        } catch (const Error&) {
            continue; // an unreadable record reserves nothing
        }
        if (!other_record)
            continue;
        for (const PortForward& mine : record.ports)
            for (const PortForward& theirs : other_record->ports)
                if (mine.host == theirs.host && mine.protocol == theirs.protocol)
                    throw Error("host port " + std::to_string(mine.host) + "/" +
                                    protocol_name(mine.protocol) + " is reserved by instance \"" +
                                    other + "\"",
                                "choose another port with -p, or delete that instance");
        if (!record.tap.tap.empty() && record.tap.tap == other_record->tap.tap)
            throw Error("tap " + record.tap.tap + " is used by instance \"" + other + "\"",
                        "choose another --tapname, or delete that instance");
    }
    for (const PortForward& mine : record.ports)
        if (auto reason = m_control.host_port_unavailable(mine))
            throw Error("host port " + std::to_string(mine.host) + "/" +
                            protocol_name(mine.protocol) + " on " + kForwardAddress + " " + *reason,
                        "choose another port with -p");
}

void Instances::check_volumes_locked(const InstanceRecord& record) const {
    if (record.volumes.empty())
        return;
    for (const std::string& other : m_registry.names()) {
        if (other == record.name)
            continue;
        std::optional<InstanceRecord> other_record;
        try {
            other_record = m_registry.read(other);
        } catch (const Error&) {
            continue; // an unreadable record: QEMU's own lock still guards the file
        }
        if (!other_record || !is_running(*other_record))
            continue;
        for (const AttachedVolume& mine : record.volumes)
            for (const AttachedVolume& theirs : other_record->volumes)
                if (same_volume(mine, theirs))
                    throw Error("volume " + volume_name_of(mine.file) +
                                    " is already attached to running instance \"" + other + "\"",
                                "stop that instance first (ops instance stop " + other +
                                    "), or attach the volume read-only (:ro) in both");
    }
}

void Instances::boot_locked(InstanceRecord& record, Accel accel) {
    const std::string& name = record.name;
    std::error_code ignored;
    std::filesystem::remove(m_registry.qmp_socket(name), ignored);
    std::filesystem::remove(m_registry.exit_channel(name), ignored);
    // Keep the previous boot's console as console.log.1; the new boot starts an empty log.
    std::filesystem::rename(m_registry.console_log(name),
                            m_registry.console_log(name).string() + ".1", ignored);

    RunRequest request;
    request.kernel = record.kernel;
    request.image = record.disk;
    request.memory_mib = record.memory_mib;
    request.cpus = record.cpus;
    request.machine = record.machine;
    request.accel = accel;
    request.realtime_ns = realtime_ns_now();
    request.console_log = m_registry.console_log(name);
    request.qmp_socket = m_registry.qmp_socket(name);
    for (const AttachedVolume& volume : record.volumes) {
        std::error_code error;
        if (!std::filesystem::is_regular_file(volume.file, error))
            throw Error("volume " + volume_name_of(volume.file) + " of instance \"" + name +
                            "\" is gone (" + volume.file.string() + ")",
                        "recreate the instance without it (ops instance delete, then create)");
    }
    request.volumes = record.volumes;
    if (record.mac.empty())
        record.mac = random_guest_mac(); // a record from before MACs were kept
    request.network.mac = record.mac;
    if (record.tap.tap.empty()) {
        request.network.mode = NetworkMode::User;
        request.network.forwards = record.ports;
    } else {
        request.network.mode = NetworkMode::Tap;
        request.network.tap = record.tap.tap;
    }

    LaunchSpec spec;
    spec.argv = qemu_argv(request, m_registry.exit_channel(name));
    spec.qemu_log = m_registry.instance_directory(name) / "qemu.log";
    spec.qmp_socket = request.qmp_socket;
    if (m_control.volume_locked_elsewhere)
        for (const AttachedVolume& volume : record.volumes)
            if (m_control.volume_locked_elsewhere(volume))
                volume_in_use(volume);
    int pid = 0;
    try {
        pid = m_control.start(spec);
    } catch (const Error& error) {
        rethrow_lock_failure(error.what(), record.volumes);
        throw;
    }
    if (!record.volumes.empty()) {
        auto deadline = std::chrono::steady_clock::now() + kVolumeLockGrace;
        while (std::chrono::steady_clock::now() < deadline) {
            auto command_line = m_control.command_line(pid);
            if (!command_line || *command_line != spec.argv) {
                std::string log = read_bounded(spec.qemu_log, kMaxQemuLogBytes).value_or("");
                rethrow_lock_failure(log, record.volumes);
                break; // ended for another reason: list shows it stopped, qemu.log says why
            }
            std::this_thread::sleep_for(kPollInterval);
        }
    }

    record.pid = pid;
    record.argv = spec.argv;
    record.started = unix_now();
    record.accel = accel == Accel::Kvm ? "kvm" : "tcg";
    m_registry.write(record);
}

InstanceRecord Instances::create(const CreateInstanceRequest& request) {
    if (!request.name.empty())
        check_instance_name(request.name);
    auto lock = m_registry.lock();

    InstanceRecord record;
    record.name = request.name;
    if (record.name.empty()) {
        std::string base =
            image_name_from(request.image.string()) + "-" + std::to_string(unix_now());
        record.name = base;
        for (int suffix = 2; m_registry.read(record.name); ++suffix) {
            if (suffix > kMaxDefaultNameSuffix)
                throw Error("cannot find a free instance name for " + base, "name it with -i");
            record.name = base + "-" + std::to_string(suffix);
        }
        check_instance_name(record.name);
    } else {
        std::error_code error;
        if (std::filesystem::exists(m_registry.instance_directory(record.name), error))
            throw Error("instance \"" + record.name + "\" already exists",
                        "choose another name with -i, or delete it first");
    }
    record.image = request.image;
    record.disk = m_registry.disk(record.name);
    record.kernel = request.kernel;
    record.memory_mib = request.memory_mib;
    record.cpus = request.cpus;
    record.machine = request.machine;
    record.ports = request.ports;
    record.volumes = request.volumes;
    record.created = unix_now();
    record.mac = random_guest_mac();
    if (request.use_tap) {
        if (!request.ports.empty())
            throw Error("port forwards (-p/--udp) work only with QEMU's user network, not with "
                        "--bridged",
                        "remove the ports: on a bridge the guest is reached at its own address");
        record.tap.tap = request.tap.empty() ? "opstap-" + short_hash(record.name) : request.tap;
        record.tap.bridge = request.bridge;
    }
    check_ports_locked(record);
    check_volumes_locked(record);

    if (request.use_tap)
        record.tap = m_control.set_up_tap(record.tap.tap, record.tap.bridge);
    try {
        ensure_directory(m_registry.instance_directory(record.name));
        copy_disk(record.image, record.disk);
        m_registry.write(record);
        boot_locked(record, request.accel);
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(m_registry.instance_directory(record.name), ignored);
        if (request.use_tap)
            m_control.tear_down_tap(record.tap);
        throw;
    }
    return record;
}

std::vector<InstanceStatus> Instances::list() {
    auto lock = m_registry.lock();
    std::vector<InstanceStatus> statuses;
    for (const std::string& name : m_registry.names()) {
        auto record = m_registry.read(name);
        if (record)
            statuses.push_back(status_locked(name, std::move(*record)));
    }
    return statuses;
}

InstanceStatus Instances::status(const std::string& name) {
    InstanceRecord record = read_existing(name);
    auto lock = m_registry.lock();
    return status_locked(name, read_existing(name));
}

InstanceRecord Instances::start(const std::string& name, Accel accel) {
    check_instance_name(name);
    auto lock = m_registry.lock();
    InstanceStatus current = status_locked(name, read_existing(name));
    if (current.state == InstanceState::Running)
        throw Error("instance \"" + name + "\" is already running (pid " +
                        std::to_string(current.record.pid) + ")",
                    "stop it first, or use ops instance reboot");
    check_ports_locked(current.record);
    check_volumes_locked(current.record);
    if (!current.record.tap.tap.empty()) {
        // The tap is gone after a host reboot (or was deleted by hand): make it again, and
        // remember that delete must now remove what this start created too.
        TapSetup again = m_control.set_up_tap(current.record.tap.tap, current.record.tap.bridge);
        current.record.tap.created_tap |= again.created_tap;
        current.record.tap.created_bridge |= again.created_bridge;
        current.record.tap.attached_tap |= again.attached_tap;
    }
    boot_locked(current.record, accel);
    return current.record;
}

bool Instances::wait_until_gone(const InstanceRecord& record,
                                std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (is_running(record)) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(kPollInterval);
    }
    return true;
}

bool Instances::stop(const std::string& name) {
    check_instance_name(name);
    InstanceRecord record;
    {
        auto lock = m_registry.lock();
        InstanceStatus current = status_locked(name, read_existing(name));
        if (current.state != InstanceState::Running)
            return false;
        record = current.record;
    }
    // The waits happen without the lock so other commands are not held up for seconds.
    bool gone = false;
    try {
        QmpClient::connect(m_registry.qmp_socket(name), m_timeouts.qmp)
            .execute_expecting_close("quit", m_timeouts.qmp);
        gone = wait_until_gone(record, m_timeouts.after_quit);
    } catch (const Error&) {
        // QMP unreachable (a hung QEMU): fall through to signals.
    }
    if (!gone && is_running(record)) {
        m_control.send_signal(record.pid, SIGTERM);
        gone = wait_until_gone(record, m_timeouts.after_term);
    }
    if (!gone && is_running(record)) {
        m_control.send_signal(record.pid, SIGKILL);
        gone = wait_until_gone(record, m_timeouts.after_kill);
    }
    if (!gone && is_running(record))
        throw Error("QEMU (pid " + std::to_string(record.pid) + ") of instance \"" + name +
                        "\" did not stop even after SIGKILL",
                    "check the process with ps");

    auto lock = m_registry.lock();
    auto latest = m_registry.read(name);
    if (latest && latest->pid == record.pid) {
        latest->pid = 0;
        m_registry.write(*latest);
    }
    std::error_code ignored;
    std::filesystem::remove(m_registry.qmp_socket(name), ignored);
    return true;
}

InstanceRecord Instances::reboot(const std::string& name, Accel accel) {
    // QMP system_reset is not used: QEMU runs with -no-reboot (a triple fault must stop it, not
    // loop), which turns every reset into a shutdown, and the kernel has no RTC, so a reset
    // guest would keep the wall clock of its first boot. A fresh QEMU has neither problem.
    stop(name);
    return start(name, accel);
}

std::string Instances::remove(const std::string& name) {
    read_existing(name);
    stop(name);
    auto lock = m_registry.lock();
    if (!m_registry.read(name))
        no_such_instance(name);
    InstanceStatus current = status_locked(name, read_existing(name));
    if (current.state == InstanceState::Running)
        throw Error("instance \"" + name + "\" was started again while being deleted", "try again");
    m_registry.remove(name);
    if (current.record.tap.tap.empty())
        return "";
    return m_control.tear_down_tap(current.record.tap);
}

void Instances::write_logs(const std::string& name, Follow follow, std::FILE* out) {
    read_existing(name);
    std::filesystem::path log = m_registry.console_log(name);
    std::uint64_t offset = 0;
    std::vector<char> buffer(64 * 1024);
    auto drain = [&] {
        std::FILE* file = std::fopen(log.c_str(), "rb");
        if (!file)
            return;
        std::fseek(file, 0, SEEK_END);
        long size = std::ftell(file);
        if (size >= 0 && static_cast<std::uint64_t>(size) < offset)
            offset = 0; // a new boot started a new log
        std::fseek(file, static_cast<long>(offset), SEEK_SET);
        std::size_t n;
        while ((n = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) {
            std::fwrite(buffer.data(), 1, n, out);
            offset += n;
        }
        std::fclose(file);
        std::fflush(out);
    };
    drain();
    if (follow == Follow::No)
        return;
    while (true) {
        bool running;
        {
            auto lock = m_registry.lock();
            auto record = m_registry.read(name);
            running = record && is_running(*record);
        }
        drain();
        if (!running)
            return;
        std::this_thread::sleep_for(kLogPollInterval);
    }
}

} // namespace ops
