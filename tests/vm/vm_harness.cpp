// vm_harness.cpp: subprocess handling for the VM tests (fork/exec, pipes, poll with a deadline,
// process-group kill) and the output assertions declared in vm_harness.h.
#include "vm_harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace vm {

namespace fs = std::filesystem;

TempDir::TempDir() {
    std::string base = fs::temp_directory_path() / "ops-vm-test-XXXXXX";
    std::vector<char> buffer(base.begin(), base.end());
    buffer.push_back('\0');
    if (!mkdtemp(buffer.data()))
        throw std::runtime_error("mkdtemp failed: " + std::string(strerror(errno)));
    m_path = buffer.data();
}

TempDir::~TempDir() {
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
}

std::string TempDir::write_file(const std::string& relative, const std::string& contents) const {
    fs::path path = fs::path(m_path) / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << contents;
    return path;
}

std::string ops_binary() {
    if (const char* override_path = getenv("OPS_VM_TEST_OPS"))
        return override_path;
    return OPS_BINARY;
}

std::string variant_test_name(const ::testing::TestParamInfo<const char*>& info) {
    std::string name = info.param;
    for (char& c : name)
        if (c == '-')
            c = '_';
    return name;
}

std::string app(const std::string& name) {
    return std::string(OPS_APPS_DIR) + "/" + name;
}

namespace {

// The environment for ops: ours, with OPS_ACCEL and OPS_HOME replaced.
std::vector<std::string> child_environment(const std::string& ops_home) {
    std::vector<std::string> env;
    for (char** e = environ; *e; e++) {
        std::string entry = *e;
        if (entry.rfind("OPS_ACCEL=", 0) == 0 || entry.rfind("OPS_HOME=", 0) == 0)
            continue;
        env.push_back(entry);
    }
    env.push_back("OPS_ACCEL=tcg");
    env.push_back("OPS_HOME=" + ops_home);
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (std::string& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

} // namespace

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::string line;
    std::istringstream in(text);
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

std::vector<std::string> RunResult::out_lines() const {
    return split_lines(out);
}
std::vector<std::string> RunResult::err_lines() const {
    return split_lines(err);
}

std::string RunResult::describe() const {
    std::ostringstream s;
    if (timed_out)
        s << "ops timed out and was killed\n";
    else if (exited)
        s << "ops exited with " << exit_code << "\n";
    else
        s << "ops was killed by signal " << signal << "\n";
    s << "--- stdout ---\n" << out << "--- stderr ---\n" << err << "--------------";
    return s.str();
}

RunResult run_ops(const std::vector<std::string>& args, const RunOptions& options) {
    RunResult result;
    if (options.ops_home.empty()) {
        result.ops_home_dir = std::make_shared<TempDir>();
        result.ops_home = result.ops_home_dir->path();
    } else {
        result.ops_home = options.ops_home;
    }

    std::vector<std::string> argv_strings = options.prefix;
    argv_strings.push_back(ops_binary());
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<std::string> env_strings = child_environment(result.ops_home);
    std::vector<char*> argv = c_strings(argv_strings);
    std::vector<char*> envp = c_strings(env_strings);

    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
        result.err = "pipe failed";
        return result;
    }
    pid_t pid = fork();
    if (pid == 0) {
        // Own process group, so a timeout can kill ops and the QEMU it started together.
        setpgid(0, 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        int null_fd = open("/dev/null", O_RDONLY);
        dup2(null_fd, 0);
        if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0)
            _exit(126);
        execve(argv[0], argv.data(), envp.data());
        dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (pid < 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        result.err = "fork failed";
        return result;
    }
    setpgid(pid, pid);

    std::chrono::seconds timeout = options.timeout;
    if (const char* seconds = getenv("OPS_VM_TEST_TIMEOUT"))
        timeout = std::chrono::seconds(std::max(1, atoi(seconds)));
    auto deadline = std::chrono::steady_clock::now() + timeout;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_fds = 2;
    while (open_fds > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            kill(-pid, SIGKILL);
            break;
        }
        int ready = poll(fds, 2, int(left.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char buffer[4096];
            ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
            if (n > 0) {
                sinks[i]->append(buffer, size_t(n));
            } else if (n == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    for (pollfd& fd : fds)
        if (fd.fd >= 0)
            close(fd.fd);

    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    // Whatever ops left behind in its group (a QEMU it failed to reap) goes too.
    kill(-pid, SIGKILL);
    if (WIFEXITED(status)) {
        result.exited = !result.timed_out;
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

std::vector<std::string> image_files(const std::string& ops_home) {
    std::vector<std::string> found;
    std::error_code error;
    for (auto it = fs::recursive_directory_iterator(ops_home, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        if (!it->is_regular_file())
            continue;
        std::string path = it->path();
        std::error_code size_error;
        auto size = fs::file_size(it->path(), size_error);
        if (path.find("/images/") != std::string::npos || (!size_error && size > (1u << 20)))
            found.push_back(path);
    }
    return found;
}

::testing::AssertionResult has_lines_in_order(const std::vector<std::string>& lines,
                                              const std::vector<std::string>& expected) {
    size_t next = 0;
    for (const std::string& line : lines)
        if (next < expected.size() && line == expected[next])
            next++;
    if (next == expected.size())
        return ::testing::AssertionSuccess();
    std::ostringstream s;
    s << "missing line \"" << expected[next] << "\" (expected line " << next + 1 << " of "
      << expected.size() << ", in order)\nexpected:\n";
    for (const std::string& line : expected)
        s << "  " << line << "\n";
    s << "got:\n";
    for (const std::string& line : lines)
        s << "  " << line << "\n";
    return ::testing::AssertionFailure() << s.str();
}

::testing::AssertionResult no_line_starting_with(const std::vector<std::string>& lines,
                                                 const std::string& prefix) {
    for (const std::string& line : lines)
        if (line.rfind(prefix, 0) == 0)
            return ::testing::AssertionFailure() << "unexpected line: " << line;
    return ::testing::AssertionSuccess();
}

} // namespace vm
