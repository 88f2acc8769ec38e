// command_runner.cpp: posix_spawn, a pipe for the output, poll with a deadline.
#include "ops/hostnet/command_runner.h"

#include "ops/base/error.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ops {

namespace {

std::string find_program(const std::string& name) {
    if (name.find('/') != std::string::npos)
        return name;
    std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    if (const char* value = ::getenv("PATH"); value && *value)
        path = std::string(value) + ":/usr/sbin:/sbin";
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find(':', start);
        if (end == std::string::npos)
            end = path.size();
        std::string directory = path.substr(start, end - start);
        if (!directory.empty()) {
            std::string candidate = directory + "/" + name;
            if (::access(candidate.c_str(), X_OK) == 0)
                return candidate;
        }
        start = end + 1;
    }
    return "";
}

} // namespace

CommandResult run_command(const std::vector<std::string>& argv) {
    CommandResult result;
    std::string program = argv.empty() ? "" : find_program(argv[0]);
    if (program.empty()) {
        result.exit_status = 127;
        result.output = (argv.empty() ? std::string("(empty)") : argv[0]) + ": not found";
        return result;
    }
    int output_pipe[2];
    if (::pipe2(output_pipe, O_CLOEXEC) < 0)
        throw Error(std::string("pipe: ") + std::strerror(errno), "");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, output_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, output_pipe[1], STDERR_FILENO);
    std::vector<std::string> strings = argv;
    std::vector<char*> raw;
    for (auto& argument : strings)
        raw.push_back(argument.data());
    raw.push_back(nullptr);
    pid_t pid = 0;
    int error = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, raw.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(output_pipe[1]);
    if (error != 0) {
        ::close(output_pipe[0]);
        result.exit_status = 127;
        result.output = argv[0] + ": " + std::strerror(error);
        return result;
    }
    // A daemon (dnsmasq) may keep the pipe open after its parent exits: stop reading once the
    // direct child is gone and the pipe has nothing more right now.
    auto deadline = std::chrono::steady_clock::now() + kCommandTimeout;
    bool exited = false;
    int status = 0;
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd entry{output_pipe[0], POLLIN, 0};
        int ready = ::poll(&entry, 1, exited ? 0 : std::min<int>(50, static_cast<int>(left.count())));
        if (ready > 0) {
            char chunk[4096];
            ssize_t n = ::read(output_pipe[0], chunk, sizeof chunk);
            if (n > 0) {
                if (result.output.size() < kMaxCommandOutputBytes)
                    result.output.append(chunk, static_cast<std::size_t>(n));
                continue;
            }
            if (n == 0 && exited)
                break;
        } else if (exited) {
            break;
        }
        if (!exited) {
            pid_t done = ::waitpid(pid, &status, WNOHANG);
            if (done == pid)
                exited = true;
        }
    }
    ::close(output_pipe[0]);
    if (!exited)
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (result.output.size() > kMaxCommandOutputBytes)
        result.output.resize(kMaxCommandOutputBytes);
    while (!result.output.empty() && result.output.back() == '\n')
        result.output.pop_back();
    return result;
}

} // namespace ops
