// launcher.cpp: posix_spawn of QEMU (never a shell), signal forwarding, waiting, reading the
// exit channel. Restores the terminal and stdio flags afterwards whatever QEMU did to them.
#include "ops/vmm/launcher.h"

#include <chrono>

#include "ops/base/error.h"
#include "ops/store/bounded_read.h"
#include "ops/vmm/qemu_args.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char** environ;

namespace ops {

namespace {

// Shared with the signal handler, so plain sig_atomic_t globals (the one place ops has them).
volatile sig_atomic_t g_child_pid = 0;
volatile sig_atomic_t g_forwarded_signal = 0;

constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

void forward_signal(int signal) {
    g_forwarded_signal = signal;
    pid_t child = g_child_pid;
    if (child > 0)
        ::kill(child, signal);
}

// Installs the forwarding handlers for its lifetime and restores the old ones after.
class SignalForwarding {
public:
    SignalForwarding() {
        g_child_pid = 0;
        g_forwarded_signal = 0;
        struct sigaction action {};
        action.sa_handler = forward_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0;  // no SA_RESTART: waitpid returns EINTR and we simply wait again
        for (std::size_t i = 0; i < std::size(kForwardedSignals); ++i)
            ::sigaction(kForwardedSignals[i], &action, &m_saved[i]);
    }
    ~SignalForwarding() {
        for (std::size_t i = 0; i < std::size(kForwardedSignals); ++i)
            ::sigaction(kForwardedSignals[i], &m_saved[i], nullptr);
        g_child_pid = 0;
    }
    SignalForwarding(const SignalForwarding&) = delete;
    SignalForwarding& operator=(const SignalForwarding&) = delete;

private:
    struct sigaction m_saved[std::size(kForwardedSignals)] {};
};

// Saves the terminal mode and file status flags of fds 0-2 and puts them back on destruction,
// so a QEMU that dies mid-way can never leave the user's terminal raw or non-blocking.
class StdioGuard {
public:
    StdioGuard() {
        for (int fd = 0; fd < 3; ++fd) {
            m_flags[fd] = ::fcntl(fd, F_GETFL);
            m_is_terminal[fd] = ::tcgetattr(fd, &m_termios[fd]) == 0;
        }
    }
    ~StdioGuard() {
        for (int fd = 0; fd < 3; ++fd) {
            if (m_flags[fd] >= 0)
                ::fcntl(fd, F_SETFL, m_flags[fd]);
            if (m_is_terminal[fd])
                ::tcsetattr(fd, TCSANOW, &m_termios[fd]);
        }
    }
    StdioGuard(const StdioGuard&) = delete;
    StdioGuard& operator=(const StdioGuard&) = delete;

private:
    int m_flags[3] = {-1, -1, -1};
    bool m_is_terminal[3] = {};
    struct termios m_termios[3] {};
};

// A private directory for one run's files, removed on destruction.
class RunDirectory {
public:
    RunDirectory() {
        std::string pattern = (std::filesystem::temp_directory_path() / "ops-run-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw Error(std::string("cannot create a run directory in ") +
                            std::filesystem::temp_directory_path().string() + ": " +
                            std::strerror(errno),
                        "check TMPDIR and free space");
        m_path = pattern;
    }
    ~RunDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    RunDirectory(const RunDirectory&) = delete;
    RunDirectory& operator=(const RunDirectory&) = delete;

    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

} // namespace

RunOutcome run_vm(const RunRequest& request) {
    RunDirectory run_directory;
    std::filesystem::path exit_channel = run_directory.path() / "exit";
    RunRequest timed = request;
    if (timed.realtime_ns == 0)
        timed.realtime_ns = std::uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
    std::vector<std::string> argv = qemu_argv(timed, exit_channel);
    if (request.verbose)
        std::fprintf(stderr, "%s\n", shell_command_line(argv).c_str());
    std::fflush(stdout);
    std::fflush(stderr);

    std::vector<char*> raw_argv;
    for (auto& argument : argv)
        raw_argv.push_back(argument.data());
    raw_argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // The console is output-only for now; a terminal stdin would make QEMU switch it to raw mode.
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

    StdioGuard stdio_guard;
    SignalForwarding forwarding;
    pid_t pid = 0;
    int spawn_error = ::posix_spawnp(&pid, request.qemu_binary.c_str(), &actions, nullptr,
                                     raw_argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawn_error == ENOENT)
        throw Error(request.qemu_binary + " was not found on PATH",
                    "install QEMU (Debian/Ubuntu: apt-get install qemu-system-x86)",
                    kExitQemuNotFound);
    if (spawn_error != 0)
        throw Error("cannot start " + request.qemu_binary + ": " + std::strerror(spawn_error),
                    "check the QEMU installation", kExitQemuNotFound);
    g_child_pid = pid;
    // A signal that arrived between installing the handler and learning the pid is passed on now.
    if (g_forwarded_signal != 0)
        ::kill(pid, g_forwarded_signal);

    int wait_status = 0;
    while (::waitpid(pid, &wait_status, 0) < 0) {
        if (errno != EINTR)
            throw Error(std::string("waiting for QEMU failed: ") + std::strerror(errno), "");
    }

    QemuEnd end;
    end.exited = WIFEXITED(wait_status);
    end.status = end.exited ? WEXITSTATUS(wait_status) : WTERMSIG(wait_status);
    end.forwarded_signal = g_forwarded_signal;
    std::optional<std::string> channel = read_bounded(exit_channel, kMaxExitChannelBytes);
    end.exit_channel_exists = channel.has_value();
    std::string content = channel.value_or("");
    return decide_run_outcome(parse_exit_line(content), end);
}

} // namespace ops
