// command_runner.h: running host tools (ip, dnsmasq) from an argument vector, never through a
// shell, with a time limit and bounded captured output. Injectable so network code is tested by
// the argv it would run.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace ops {

// More output than this from ip or dnsmasq is noise; the rest is dropped.
inline constexpr std::size_t kMaxCommandOutputBytes = 64 * 1024;
inline constexpr std::chrono::milliseconds kCommandTimeout{10000};

struct CommandResult {
    int exit_status = 0;  // 127 when the program was not found, 128+N when killed by signal N
    std::string output;   // stdout and stderr together
};

using CommandRunner = std::function<CommandResult(const std::vector<std::string>& argv)>;

// posix_spawn with stdin /dev/null; argv[0] is looked up on PATH, then in /usr/sbin and /sbin
// (where ip and dnsmasq live, often missing from a user's PATH). Killed after kCommandTimeout.
CommandResult run_command(const std::vector<std::string>& argv);

} // namespace ops
