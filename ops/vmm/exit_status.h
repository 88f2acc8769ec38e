// exit_status.h: what `ops run` exits with, decided from the exit channel's content and how QEMU
// ended. Pure functions; the mapping is documented in docs/exit-status.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ops {

// The guest controls the exit channel file; we only ever read this much of it.
inline constexpr std::size_t kMaxExitChannelBytes = 256;

inline constexpr int kExitQemuFailed = 126;    // QEMU stopped before the guest could run
inline constexpr int kExitQemuNotFound = 127;  // qemu-system-x86_64 is not on PATH

// The kernel's one line on the exit channel.
struct ExitLine {
    enum class Kind {
        Exit,       // "exit <code>", code 0..255
        Panic,      // "panic"
        Missing,    // the file is empty or does not exist
        Malformed,  // anything else
    };
    Kind kind = Kind::Missing;
    int code = 0;      // for Exit
    std::string text;  // the first line as read (printable), for Malformed
};

// Parses the exit channel file content. Only the first line counts; a trailing "\n" or "\r\n" is
// optional.
ExitLine parse_exit_line(std::string_view content);

// How the QEMU process ended (from waitpid), and whether ops forwarded a signal to it.
struct QemuEnd {
    bool exited = true;          // false: killed by a signal
    int status = 0;              // exit status when exited, else the signal number
    bool exit_channel_exists = true;
    int forwarded_signal = 0;    // SIGINT/SIGTERM/... ops received and passed on, or 0
};

struct RunOutcome {
    int exit_status = 0;
    // One line for stderr without the "ops: " prefix; empty when the program simply exited.
    std::string message;
};

RunOutcome decide_run_outcome(const ExitLine& line, const QemuEnd& end);

} // namespace ops
