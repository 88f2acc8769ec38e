// lifecycle.h: background instances: create, list, start, stop, reboot, delete, logs. Records
// live in the InstanceRegistry; QEMU's argv comes from vmm/qemu_args.h; host operations go
// through ProcessControl so tests run without QEMU. Every change to records happens under the
// registry lock; waiting for a QEMU to stop happens outside it.
#pragma once

#include "ops/config/machine.h"
#include "ops/hostnet/tap.h"
#include "ops/instance/host_process.h"
#include "ops/instance/registry.h"
#include "ops/store/paths.h"
#include "ops/vmm/accel.h"

#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ops {

// The host side of instance control. real() uses host_process.h; tests pass fakes.
struct ProcessControl {
    std::function<int(const LaunchSpec&)> start; // returns the pid of a ready QEMU; throws
    // argv of a live process, nullopt when the pid is gone (see process_command_line).
    std::function<std::optional<std::vector<std::string>>(int pid)> command_line;
    // Why a host port cannot be forwarded now, nullopt when it can (port_forward.h).
    std::function<std::optional<std::string>(const PortForward& forward)> host_port_unavailable;
    std::function<void(int pid, int signal)> send_signal;
    // Bridged instances: hostnet/tap.h's set_up_tap and tear_down_tap on the real host.
    std::function<TapSetup(const std::string& tap, const std::string& bridge)> set_up_tap;
    std::function<std::string(const TapSetup& setup)> tear_down_tap;
    // Whether a process outside these records holds a volume file's QEMU lock against this
    // attachment (host_process.h volume_locked_elsewhere). May be empty: not checked.
    std::function<bool(const AttachedVolume& volume)> volume_locked_elsewhere;

    static ProcessControl real();
};

// How long stop waits at each step; each step only runs if the previous one did not end QEMU.
struct StopTimeouts {
    std::chrono::milliseconds qmp{2000}; // connecting and sending quit
    std::chrono::milliseconds after_quit{5000};
    std::chrono::milliseconds after_term{5000};
    std::chrono::milliseconds after_kill{5000};
};

enum class InstanceState {
    Running,
    Stopped, // stopped by ops, or never got to write an exit line
    Exited,  // the program exited (exit_code)
    Crashed, // the kernel reported a panic or wrote an invalid exit line
};
const char* instance_state_name(InstanceState state);

struct InstanceStatus {
    InstanceRecord record;
    InstanceState state = InstanceState::Stopped;
    int exit_code = -1;         // for Exited
    bool cleaned_stale = false; // the record named a dead or reused pid and was reset just now
};

struct CreateInstanceRequest {
    std::filesystem::path image; // an existing image file (see resolve_instance_image)
    std::string name;            // empty: <image name>-<unix seconds>, made unique
    std::vector<PortForward> ports;
    // Bridged: the guest's NIC is tap `tap` (default opstap-<name hash>) in bridge `bridge`
    // (empty: a tap alone), created when missing and kept until the instance is deleted.
    bool use_tap = false;
    std::string tap;
    std::string bridge;
    std::uint64_t memory_mib = kDefaultMemoryMib;
    unsigned cpus = 1;
    Machine machine = kDefaultMachine;
    // Data volumes (volume/attach.h), attached at every boot; the image's manifest mounts them.
    std::vector<AttachedVolume> volumes;
    std::filesystem::path kernel;
    Accel accel = Accel::Tcg;
};

// "web" names ~/.ops/images/web; anything with a '/' or naming an existing file is a path.
// Returns an absolute path. Throws ops::Error when it does not exist.
std::filesystem::path resolve_instance_image(const StorePaths& store, const std::string& image);

class Instances {
  public:
    Instances(const StorePaths& store, ProcessControl control, StopTimeouts timeouts = {});

    const InstanceRegistry& registry() const { return m_registry; }

    // Reserves the name and ports, copies the image to the instance's disk and starts QEMU.
    // Throws ops::Error when the name exists, a host port is reserved by another instance or
    // in use on 127.0.0.1, a volume is attached to another running instance (unless both attach
    // it read-only), or QEMU fails (the instance is then not kept).
    InstanceRecord create(const CreateInstanceRequest& request);
    // Every instance, sorted by name. Records whose pid is gone or belongs to another program
    // are reset to stopped (and saved) on the way.
    std::vector<InstanceStatus> list();
    // One instance, with the same stale-record cleanup. Throws ops::Error when it does not exist.
    InstanceStatus status(const std::string& name);
    // Boots a stopped instance again from its record, with `accel`. Throws when it is running.
    InstanceRecord start(const std::string& name, Accel accel);
    // QMP quit, then SIGTERM, then SIGKILL, each with a bounded wait. Returns false when it was
    // not running. Throws when QEMU survives SIGKILL.
    bool stop(const std::string& name);
    // Stop (if running) and start again: a fresh QEMU, so the guest also gets the current time.
    InstanceRecord reboot(const std::string& name, Accel accel);
    // Stops it if running, removes its directory and the tap/bridge its create made. Never
    // touches the image. Returns what could not be undone on the host ("" normally).
    std::string remove(const std::string& name);
    // Writes the console log to `out`; with `follow`, keeps writing new output until the
    // instance is no longer running (polling every 200 ms).
    enum class Follow { No, Yes };
    void write_logs(const std::string& name, Follow follow, std::FILE* out);

  private:
    InstanceRecord read_existing(const std::string& name) const;
    InstanceStatus status_locked(const std::string& name, InstanceRecord record);
    bool is_running(const InstanceRecord& record) const;
    void check_ports_locked(const InstanceRecord& record) const;
    void check_volumes_locked(const InstanceRecord& record) const;
    void boot_locked(InstanceRecord& record, Accel accel);
    bool wait_until_gone(const InstanceRecord& record, std::chrono::milliseconds timeout) const;

    InstanceRegistry m_registry;
    ProcessControl m_control;
    StopTimeouts m_timeouts;
};

} // namespace ops
