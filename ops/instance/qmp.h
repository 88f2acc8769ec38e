// qmp.h: a small QMP client (JSON lines over a unix socket) for instance control. Every read and
// write has a deadline, and a reply line is bounded: QEMU is ours, but a hung or foreign process
// may sit behind the socket.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace ops {

// QMP replies we use are tiny; query-* answers are a few KiB.
inline constexpr std::size_t kMaxQmpLineBytes = 1024 * 1024;
inline constexpr std::chrono::milliseconds kDefaultQmpTimeout{3000};

class QmpClient {
public:
    // Connects, reads the greeting and negotiates capabilities (qmp_capabilities). Blocks at
    // most `timeout`. Throws ops::Error.
    static QmpClient connect(const std::filesystem::path& socket,
                             std::chrono::milliseconds timeout = kDefaultQmpTimeout);
    ~QmpClient();
    QmpClient(QmpClient&& other) noexcept;
    QmpClient(const QmpClient&) = delete;
    QmpClient& operator=(const QmpClient&) = delete;
    QmpClient& operator=(QmpClient&&) = delete;

    // Sends {"execute": command[, "arguments": arguments]} and returns the "return" value,
    // skipping asynchronous events. Throws ops::Error on an "error" reply, a timeout or a
    // closed connection. For `quit` QEMU may close the socket instead of answering: use
    // execute_expecting_close.
    nlohmann::json execute(std::string_view command, const nlohmann::json& arguments = nullptr,
                           std::chrono::milliseconds timeout = kDefaultQmpTimeout);
    // Like execute, but a connection closed before the reply counts as success.
    void execute_expecting_close(std::string_view command,
                                 std::chrono::milliseconds timeout = kDefaultQmpTimeout);

private:
    QmpClient(int fd, std::filesystem::path socket) : m_fd(fd), m_socket(std::move(socket)) {}
    // One line (without '\n'); empty optional-like flag `closed` when the peer closed first.
    std::string read_line(std::chrono::steady_clock::time_point deadline, bool& closed);
    void send_line(const std::string& line, std::chrono::steady_clock::time_point deadline);
    nlohmann::json read_reply(std::string_view command, std::chrono::steady_clock::time_point deadline,
                              bool& closed);

    int m_fd = -1;
    std::filesystem::path m_socket;
    std::string m_buffer;
};

} // namespace ops
