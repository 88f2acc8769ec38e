// qmp.cpp: QMP over a unix socket with poll(2) deadlines.
#include "ops/instance/qmp.h"

#include "ops/base/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace ops {

namespace {

using Clock = std::chrono::steady_clock;

int milliseconds_left(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

[[noreturn]] void fail(const std::filesystem::path& socket, const std::string& why) {
    throw Error("QMP on " + socket.string() + ": " + why, "is the instance running?");
}

// Waits until `fd` is ready for `events` or the deadline passes; false on timeout.
bool wait_for(int fd, short events, Clock::time_point deadline) {
    while (true) {
        pollfd entry{fd, events, 0};
        int ready = ::poll(&entry, 1, milliseconds_left(deadline));
        if (ready < 0 && errno == EINTR)
            continue;
        return ready > 0;
    }
}

} // namespace

QmpClient QmpClient::connect(const std::filesystem::path& socket, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket.string().size() >= sizeof address.sun_path)
        throw Error("the QMP socket path " + socket.string() + " is too long for a unix socket",
                    "set OPS_HOME to a shorter directory");
    std::strcpy(address.sun_path, socket.c_str());
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        fail(socket, std::string("socket: ") + std::strerror(errno));
    QmpClient client(fd, socket);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
        if (errno != EINPROGRESS && errno != EAGAIN)
            fail(socket, std::string("cannot connect: ") + std::strerror(errno));
        if (!wait_for(fd, POLLOUT, deadline))
            fail(socket, "timed out connecting");
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0)
            fail(socket, std::string("cannot connect: ") + std::strerror(error));
    }
    bool closed = false;
    std::string greeting = client.read_line(deadline, closed);
    if (closed)
        fail(socket, "closed before the greeting");
    auto parsed = nlohmann::json::parse(greeting, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("QMP"))
        fail(socket, "not a QMP greeting");
    client.execute("qmp_capabilities", nullptr,
                   std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    return client;
}

QmpClient::~QmpClient() {
    if (m_fd >= 0)
        ::close(m_fd);
}

QmpClient::QmpClient(QmpClient&& other) noexcept
    : m_fd(other.m_fd), m_socket(std::move(other.m_socket)), m_buffer(std::move(other.m_buffer)) {
    other.m_fd = -1;
}

std::string QmpClient::read_line(Clock::time_point deadline, bool& closed) {
    closed = false;
    while (true) {
        auto newline = m_buffer.find('\n');
        if (newline != std::string::npos) {
            std::string line = m_buffer.substr(0, newline);
            m_buffer.erase(0, newline + 1);
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            return line;
        }
        if (m_buffer.size() > kMaxQmpLineBytes)
            fail(m_socket, "a reply is longer than " + std::to_string(kMaxQmpLineBytes) + " bytes");
        if (!wait_for(m_fd, POLLIN, deadline))
            fail(m_socket, "timed out waiting for a reply");
        char chunk[4096];
        ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0 && errno != ECONNRESET)
            fail(m_socket, std::string("read: ") + std::strerror(errno));
        if (n <= 0) {
            closed = true;
            return {};
        }
        m_buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

void QmpClient::send_line(const std::string& line, Clock::time_point deadline) {
    std::size_t done = 0;
    while (done < line.size()) {
        if (!wait_for(m_fd, POLLOUT, deadline))
            fail(m_socket, "timed out sending a command");
        ssize_t n = ::send(m_fd, line.data() + done, line.size() - done, MSG_NOSIGNAL);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            fail(m_socket, std::string("write: ") + std::strerror(errno));
        done += static_cast<std::size_t>(n);
    }
}

nlohmann::json QmpClient::read_reply(std::string_view command, Clock::time_point deadline,
                                     bool& closed) {
    while (true) {
        std::string line = read_line(deadline, closed);
        if (closed)
            return nullptr;
        auto reply = nlohmann::json::parse(line, nullptr, false);
        if (reply.is_discarded() || !reply.is_object())
            fail(m_socket, "a reply is not a JSON object");
        if (reply.contains("event"))
            continue;
        if (auto error = reply.find("error"); error != reply.end()) {
            std::string description = "unknown error";
            if (error->is_object() && error->contains("desc") && (*error)["desc"].is_string())
                description = (*error)["desc"].get<std::string>();
            fail(m_socket, std::string(command) + " failed: " + description);
        }
        if (auto value = reply.find("return"); value != reply.end())
            return *value;
        fail(m_socket, "a reply has neither \"return\" nor \"error\"");
    }
}

nlohmann::json QmpClient::execute(std::string_view command, const nlohmann::json& arguments,
                                  std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    nlohmann::json request = {{"execute", command}};
    if (!arguments.is_null())
        request["arguments"] = arguments;
    send_line(request.dump() + "\n", deadline);
    bool closed = false;
    nlohmann::json value = read_reply(command, deadline, closed);
    if (closed)
        fail(m_socket, "QEMU closed the connection during " + std::string(command));
    return value;
}

void QmpClient::execute_expecting_close(std::string_view command, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    send_line(nlohmann::json({{"execute", command}}).dump() + "\n", deadline);
    bool closed = false;
    read_reply(command, deadline, closed);
}

} // namespace ops
