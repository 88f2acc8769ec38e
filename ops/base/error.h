// error.h: the one error type ops code throws. Only main.cpp turns it into the user-visible line
// "ops: <what>: <fix>" and an exit status (docs/exit-status.md).
#pragma once

#include <stdexcept>
#include <string>

namespace ops {

// Exit statuses ops itself uses; everything else is the program's own status.
inline constexpr int kExitUsage = 1;      // bad config, bad flag value, missing file, QEMU failure
inline constexpr int kExitCliParse = 2;   // the command line could not be parsed
inline constexpr int kExitCrashed = 125;  // the kernel panicked or the VM stopped without an exit line

class Error : public std::runtime_error {
public:
    // `what` says what went wrong, `fix` says what the user can do about it (may be empty).
    Error(std::string what, std::string fix, int exit_status = kExitUsage)
        : std::runtime_error(what), m_fix(std::move(fix)), m_exit_status(exit_status) {}

    const std::string& fix() const { return m_fix; }
    int exit_status() const { return m_exit_status; }

    // The full one-line message without the "ops: " prefix.
    std::string message() const { return m_fix.empty() ? what() : std::string(what()) + ": " + m_fix; }

private:
    std::string m_fix;
    int m_exit_status;
};

} // namespace ops
