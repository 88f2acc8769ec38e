// host_process.h: the real host operations behind instance control: starting QEMU detached,
// looking a process up in /proc, copying a disk (host ports: vmm/port_forward.h). lifecycle.cpp
// reaches them only through ProcessControl (lifecycle.h), so tests can replace them.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ops {

// What starting an instance's QEMU needs.
struct LaunchSpec {
    std::vector<std::string> argv;     // argv[0] is looked up on PATH
    std::filesystem::path qemu_log;    // QEMU's own stdout and stderr (truncated)
    std::filesystem::path qmp_socket;  // the instance is up once QEMU listens here
};

// QEMU creates its QMP socket before the guest runs; under TCG on a loaded machine this takes
// well under a second, so 10 s only bounds a QEMU that hangs.
inline constexpr std::chrono::milliseconds kQemuReadyTimeout{10000};

// Starts argv in its own session (double fork, so it is never our zombie), stdin /dev/null,
// stdout and stderr to qemu_log, cwd "/", and waits until the QMP socket accepts connections.
// Returns the pid. Throws ops::Error: status 127 when argv[0] is not found, and when QEMU exits
// or is not ready in time (then the message quotes the end of qemu_log).
int spawn_detached(const LaunchSpec& spec);

// argv of a live process from /proc/<pid>/cmdline; nullopt when there is no such process or it
// is a zombie. Reads at most 256 KiB.
std::optional<std::vector<std::string>> process_command_line(int pid);

// Copies a regular file keeping its holes (reflink when the filesystem can). Throws ops::Error.
void copy_disk(const std::filesystem::path& from, const std::filesystem::path& to);

// Whether another process (a QEMU: an ops run, or an instance of another OPS_HOME) holds QEMU's
// image lock on `file` so that attaching it now would be refused: for writing, any user of it;
// read-only, a writer. Probes the OFD lock bytes QEMU uses (100 + permission: held, 200 +
// permission: not shared) without taking a lock. False when it cannot tell.
bool volume_locked_elsewhere(const std::filesystem::path& file, bool read_only);

// The last `max_bytes` of a text file, for error messages ("" when unreadable).
std::string file_tail(const std::filesystem::path& path, std::size_t max_bytes);

} // namespace ops
