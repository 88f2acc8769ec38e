// qemu_args.h: the QEMU argument vector for a RunRequest. A pure function: no probing, no I/O,
// so tests compare it with golden vectors (tests/unit/ops/vmm/qemu_args_test.cpp).
#pragma once

#include "ops/vmm/run_request.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ops {

// I/O port of the second UART, which carries the kernel's one exit line ("exit N" / "panic").
inline constexpr unsigned kExitChannelPort = 0x2f8;
// I/O port of isa-debug-exit; the kernel writes 0 there after the exit line to stop QEMU.
inline constexpr unsigned kDebugExitPort = 0xf4;

// argv[0] is request.qemu_binary. `exit_channel` is the file QEMU writes the second UART to.
std::vector<std::string> qemu_argv(const RunRequest& request,
                                   const std::filesystem::path& exit_channel);

// Escapes a value inside a QEMU "key=value,key=value" option string: ',' becomes ",,".
std::string qemu_option_value(std::string_view value);

// Quotes one argument for a POSIX shell, only when needed ('it'"'"'s' style).
std::string shell_quote(std::string_view argument);

// The whole argv as one shell command line, for --verbose.
std::string shell_command_line(const std::vector<std::string>& argv);

} // namespace ops
