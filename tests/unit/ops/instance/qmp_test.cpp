// Tests for ops/instance/qmp.cpp against a scripted QMP server on a unix socket.
#include "ops/instance/qmp.h"

#include "ops/base/error.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace ops {
namespace {

// Accepts one client and runs `script` on its fd.
class FakeQmpServer {
public:
    explicit FakeQmpServer(std::function<void(int fd)> script) {
        char pattern[] = "/tmp/ops-qmp-test-XXXXXX";
        m_directory = ::mkdtemp(pattern);
        m_path = m_directory / "qmp.sock";
        m_listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strcpy(address.sun_path, m_path.c_str());
        EXPECT_EQ(::bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        EXPECT_EQ(::listen(m_listener, 1), 0);
        m_thread = std::thread([this, script] {
            int fd = ::accept(m_listener, nullptr, nullptr);
            if (fd >= 0) {
                script(fd);
                ::close(fd);
            }
        });
    }
    ~FakeQmpServer() {
        ::shutdown(m_listener, SHUT_RDWR);
        m_thread.join();
        ::close(m_listener);
        std::filesystem::remove_all(m_directory);
    }
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_directory, m_path;
    int m_listener = -1;
    std::thread m_thread;
};

void send_text(int fd, const std::string& text) {
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

std::string read_line(int fd) {
    std::string line;
    char c;
    while (::read(fd, &c, 1) == 1 && c != '\n')
        line += c;
    return line;
}

constexpr const char* kGreeting = R"({"QMP": {"version": {}, "capabilities": []}})" "\n";

TEST(QmpClient, NegotiatesAndExecutesSkippingEvents) {
    std::vector<std::string> received;
    {
        FakeQmpServer server([&](int fd) {
            send_text(fd, kGreeting);
            received.push_back(read_line(fd));
            send_text(fd, "{\"return\": {}}\n");
            received.push_back(read_line(fd));
            send_text(fd, "{\"event\": \"RESET\"}\n{\"return\": {\"status\": \"running\"}}\n");
        });
        QmpClient client = QmpClient::connect(server.path());
        auto value = client.execute("query-status");
        EXPECT_EQ(value["status"], "running");
    }
    ASSERT_EQ(received.size(), 2u);
    EXPECT_EQ(received[0], R"({"execute":"qmp_capabilities"})");
    EXPECT_EQ(received[1], R"({"execute":"query-status"})");
}

TEST(QmpClient, ErrorReplyThrowsWithDescription) {
    FakeQmpServer server([](int fd) {
        send_text(fd, kGreeting);
        read_line(fd);
        send_text(fd, "{\"return\": {}}\n");
        read_line(fd);
        send_text(fd, R"({"error": {"class": "GenericError", "desc": "nope"}})" "\n");
    });
    QmpClient client = QmpClient::connect(server.path());
    try {
        client.execute("system_reset");
        FAIL() << "no exception";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("nope"), std::string::npos) << error.what();
    }
}

TEST(QmpClient, QuitAcceptsAClosedConnection) {
    FakeQmpServer server([](int fd) {
        send_text(fd, kGreeting);
        read_line(fd);
        send_text(fd, "{\"return\": {}}\n");
        read_line(fd);  // quit: close without answering
    });
    QmpClient client = QmpClient::connect(server.path());
    EXPECT_NO_THROW(client.execute_expecting_close("quit"));
}

TEST(QmpClient, SilentServerTimesOut) {
    FakeQmpServer server([](int fd) {
        char c;
        ::read(fd, &c, 1);  // says nothing until the client gives up and closes
    });
    auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(QmpClient::connect(server.path(), std::chrono::milliseconds(200)), Error);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(QmpClient, NotAGreetingIsRefused) {
    FakeQmpServer server([](int fd) { send_text(fd, "hello\n"); });
    EXPECT_THROW(QmpClient::connect(server.path()), Error);
}

TEST(QmpClient, MissingSocketFailsAtOnce) {
    EXPECT_THROW(QmpClient::connect("/nonexistent/qmp.sock"), Error);
}

} // namespace
} // namespace ops
