// host_process.cpp: fork/exec of detached QEMU processes, /proc lookups, port probes and sparse
// disk copies.
#include "ops/instance/host_process.h"

#include "ops/base/error.h"
#include "ops/vmm/exit_status.h"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <linux/fs.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace ops {

namespace {

// What the forked processes report back through the status pipe.
struct SpawnMessage {
    int kind;   // kMessagePid or kMessageExecError
    int value;  // the pid, or errno of execvp
};
constexpr int kMessagePid = 1;
constexpr int kMessageExecError = 2;

constexpr std::size_t kMaxCmdlineBytes = 256 * 1024;
constexpr std::size_t kQemuLogTailBytes = 2048;

void write_message(int fd, SpawnMessage message) {
    while (::write(fd, &message, sizeof message) < 0 && errno == EINTR) {
    }
}

// Runs in the grandchild, after fork: only async-signal-safe calls until exec.
[[noreturn]] void exec_qemu(const LaunchSpec& spec, char** argv, int status_fd) {
    int null_fd = ::open("/dev/null", O_RDONLY);
    int log_fd = ::open(spec.qemu_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    if (null_fd < 0 || log_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(log_fd, 1) < 0 ||
        ::dup2(log_fd, 2) < 0) {
        write_message(status_fd, {kMessageExecError, errno});
        ::_exit(127);
    }
    // Nothing else of ours leaks into QEMU (the status pipe is already close-on-exec).
    ::syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */);
    if (::chdir("/") < 0) {
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE})
        ::signal(signal, SIG_DFL);
    ::execvp(argv[0], argv);
    write_message(status_fd, {kMessageExecError, errno});
    ::_exit(127);
}

bool socket_accepts(const std::filesystem::path& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.string().size() >= sizeof address.sun_path)
        return false;
    std::strcpy(address.sun_path, path.c_str());
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

} // namespace

int spawn_detached(const LaunchSpec& spec) {
    if (spec.argv.empty())
        throw Error("internal: empty QEMU argv", "");
    if (spec.qmp_socket.string().size() >= sizeof(sockaddr_un::sun_path))
        throw Error("the QMP socket path " + spec.qmp_socket.string() + " is too long for a unix socket",
                    "set OPS_HOME to a shorter directory");
    std::vector<std::string> strings = spec.argv;
    std::vector<char*> argv;
    for (auto& argument : strings)
        argv.push_back(argument.data());
    argv.push_back(nullptr);

    int status_pipe[2];
    if (::pipe2(status_pipe, O_CLOEXEC) < 0)
        throw Error(std::string("pipe: ") + std::strerror(errno), "");
    pid_t child = ::fork();
    if (child < 0) {
        int saved = errno;
        ::close(status_pipe[0]);
        ::close(status_pipe[1]);
        throw Error(std::string("cannot fork: ") + std::strerror(saved), "");
    }
    if (child == 0) {
        ::close(status_pipe[0]);
        ::setsid();
        pid_t grandchild = ::fork();
        if (grandchild == 0)
            exec_qemu(spec, argv.data(), status_pipe[1]);
        write_message(status_pipe[1], {grandchild < 0 ? kMessageExecError : kMessagePid,
                                       grandchild < 0 ? errno : grandchild});
        ::_exit(0);
    }
    ::close(status_pipe[1]);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    int pid = 0, exec_error = 0;
    SpawnMessage message{};
    while (true) {
        ssize_t n = ::read(status_pipe[0], &message, sizeof message);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != static_cast<ssize_t>(sizeof message))
            break;  // EOF: every writer exited or exec'd
        if (message.kind == kMessagePid)
            pid = message.value;
        else
            exec_error = message.value;
    }
    ::close(status_pipe[0]);
    if (exec_error == ENOENT)
        throw Error(spec.argv[0] + " was not found on PATH",
                    "install QEMU (Debian/Ubuntu: apt-get install qemu-system-x86)", kExitQemuNotFound);
    if (exec_error != 0 || pid <= 0)
        throw Error("cannot start " + spec.argv[0] + ": " + std::strerror(exec_error ? exec_error : ECHILD),
                    "check the QEMU installation", kExitQemuNotFound);

    auto deadline = std::chrono::steady_clock::now() + kQemuReadyTimeout;
    while (true) {
        if (socket_accepts(spec.qmp_socket))
            return pid;
        if (!process_command_line(pid)) {
            throw Error("QEMU stopped while starting the instance: " +
                            file_tail(spec.qemu_log, kQemuLogTailBytes),
                        "see " + spec.qemu_log.string());
        }
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            throw Error("QEMU did not open its QMP socket within " +
                            std::to_string(kQemuReadyTimeout.count() / 1000) + " s and was killed",
                        "see " + spec.qemu_log.string());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

bool volume_locked_elsewhere(const std::filesystem::path& file, bool read_only) {
    // QEMU's file-posix.c: RAW_LOCK_PERM_BASE 100, RAW_LOCK_SHARED_BASE 200, and the write
    // permission is bit 1.
    constexpr off_t kWriterByte = 100 + 1;
    constexpr off_t kUnsharedWriteByte = 200 + 1;
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    auto locked = [fd](off_t byte) {
        struct flock lock {};
        lock.l_type = F_WRLCK;
        lock.l_whence = SEEK_SET;
        lock.l_start = byte;
        lock.l_len = 1;
        return ::fcntl(fd, F_OFD_GETLK, &lock) == 0 && lock.l_type != F_UNLCK;
    };
    bool in_use = locked(kWriterByte) || (!read_only && locked(kUnsharedWriteByte));
    ::close(fd);
    return in_use;
}

std::optional<std::vector<std::string>> process_command_line(int pid) {
    if (pid <= 0)
        return std::nullopt;
    std::string base = "/proc/" + std::to_string(pid);
    // A zombie (state Z) has exited; its pid only waits for its parent. Field 3 of stat follows
    // the last ')' (the command name may contain parentheses).
    {
        std::ifstream stat(base + "/stat");
        std::string text;
        if (!std::getline(stat, text))
            return std::nullopt;
        auto close = text.rfind(')');
        if (close == std::string::npos || close + 2 >= text.size())
            return std::nullopt;
        char state = text[close + 2];
        if (state == 'Z' || state == 'X' || state == 'x')
            return std::nullopt;
    }
    int fd = ::open((base + "/cmdline").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    std::string content;
    char chunk[4096];
    while (content.size() < kMaxCmdlineBytes) {
        ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        content.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(fd);
    std::vector<std::string> argv;
    std::size_t start = 0;
    while (start < content.size()) {
        auto end = content.find('\0', start);
        if (end == std::string::npos)
            end = content.size();
        argv.push_back(content.substr(start, end - start));
        start = end + 1;
    }
    return argv;
}

void copy_disk(const std::filesystem::path& from, const std::filesystem::path& to) {
    auto fail = [&](const std::string& what) {
        throw Error("cannot copy " + from.string() + " to " + to.string() + ": " + what,
                    "check free space and permissions");
    };
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0)
        fail(std::strerror(errno));
    struct stat info {};
    ::fstat(in, &info);
    int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        int saved = errno;
        ::close(in);
        fail(std::strerror(saved));
    }
    std::string error;
    if (::ioctl(out, FICLONE, in) != 0) {
        // No reflink: copy the data extents and leave the holes.
        std::vector<char> buffer(1 << 20);
        off_t offset = 0;
        while (error.empty() && offset < info.st_size) {
            off_t data = ::lseek(in, offset, SEEK_DATA);
            if (data < 0)
                break;  // ENXIO: only a hole is left
            off_t hole = ::lseek(in, data, SEEK_HOLE);
            if (hole < 0)
                hole = info.st_size;
            for (off_t at = data; at < hole && error.empty();) {
                ssize_t n = ::pread(in, buffer.data(), std::min<off_t>(buffer.size(), hole - at), at);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0) {
                    error = n < 0 ? std::strerror(errno) : "short read";
                    break;
                }
                for (ssize_t done = 0; done < n;) {
                    ssize_t w = ::pwrite(out, buffer.data() + done, n - done, at + done);
                    if (w < 0 && errno == EINTR)
                        continue;
                    if (w <= 0) {
                        error = std::strerror(errno);
                        break;
                    }
                    done += w;
                }
                at += n;
            }
            offset = hole;
        }
        if (error.empty() && ::ftruncate(out, info.st_size) < 0)
            error = std::strerror(errno);
    }
    ::close(in);
    if (::close(out) < 0 && error.empty())
        error = std::strerror(errno);
    if (!error.empty())
        fail(error);
}

std::string file_tail(const std::filesystem::path& path, std::size_t max_bytes) {
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return "";
    file.seekg(0, std::ios::end);
    std::streamoff size = file.tellg();
    std::streamoff start = size > static_cast<std::streamoff>(max_bytes) ? size - max_bytes : 0;
    file.seekg(start);
    std::string text(static_cast<std::size_t>(size - start), '\0');
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    for (char& c : text)
        if (c == '\n')
            c = ' ';
    return text;
}

} // namespace ops
