// exit_status.cpp: exit channel parsing and the exit-status mapping (docs/exit-status.md).
#include "ops/vmm/exit_status.h"

#include "ops/base/error.h"

#include <csignal>
#include <cstring>
#include <string>

namespace ops {

namespace {
std::string signal_name(int signal) {
    const char* name = sigabbrev_np(signal);
    return name ? std::string("SIG") + name : "signal " + std::to_string(signal);
}
} // namespace

ExitLine parse_exit_line(std::string_view content) {
    ExitLine line;
    content = content.substr(0, kMaxExitChannelBytes);
    auto newline = content.find('\n');
    std::string_view first = content.substr(0, newline);
    if (!first.empty() && first.back() == '\r')
        first.remove_suffix(1);
    if (first.empty() && newline == std::string_view::npos) {
        line.kind = ExitLine::Kind::Missing;
        return line;
    }
    if (first == "panic") {
        line.kind = ExitLine::Kind::Panic;
        return line;
    }
    constexpr std::string_view kExitPrefix = "exit ";
    if (first.substr(0, kExitPrefix.size()) == kExitPrefix) {
        std::string_view digits = first.substr(kExitPrefix.size());
        // 1 to 3 digits, no sign, no spaces, no leading zeros except "0" itself.
        bool valid = !digits.empty() && digits.size() <= 3 &&
                     digits.find_first_not_of("0123456789") == std::string_view::npos &&
                     !(digits.size() > 1 && digits[0] == '0');
        if (valid) {
            int code = 0;
            for (char c : digits)
                code = code * 10 + (c - '0');
            if (code <= 255) {
                line.kind = ExitLine::Kind::Exit;
                line.code = code;
                return line;
            }
        }
    }
    line.kind = ExitLine::Kind::Malformed;
    for (char c : first.substr(0, 64))
        line.text += (c >= 0x20 && c < 0x7f) ? c : '?';
    return line;
}

RunOutcome decide_run_outcome(const ExitLine& line, const QemuEnd& end) {
    switch (line.kind) {
    case ExitLine::Kind::Exit:
        // The program finished; a signal that raced with its exit does not change its status.
        return {line.code, ""};
    case ExitLine::Kind::Panic:
        return {kExitCrashed, "the kernel crashed (see the message above)"};
    case ExitLine::Kind::Malformed:
        return {kExitCrashed, "the kernel crashed: invalid exit line \"" + line.text +
                                        "\" (see the message above)"};
    case ExitLine::Kind::Missing:
        break;
    }
    if (end.forwarded_signal != 0)
        return {128 + end.forwarded_signal, "stopped by " + signal_name(end.forwarded_signal)};
    if (!end.exit_channel_exists || (end.exited && end.status == 1))
        // QEMU exits with 1 on its own errors (bad option, unreadable image) and prints why;
        // a guest that stops through isa-debug-exit always writes its exit line first.
        return {kExitQemuFailed, "QEMU failed to start the VM (see its message above)"};
    if (!end.exited)
        return {kExitCrashed, "QEMU was killed by " + signal_name(end.status) +
                                  " before the program exited"};
    // Exit status 0 means a triple fault or shutdown under -no-reboot.
    return {kExitCrashed, "the kernel crashed (see the message above)"};
}

} // namespace ops
