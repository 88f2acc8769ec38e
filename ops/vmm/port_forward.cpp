// port_forward.cpp: port spec parsing and the host-port availability probe (with the pid of the
// program holding the port, found through /proc/net and /proc/<pid>/fd like lsof).
#include "ops/vmm/port_forward.h"

#include "ops/base/error.h"

#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <set>
#include <sstream>
#include <sys/socket.h>
#include <unistd.h>

namespace ops {

namespace {

// /proc/net/* and /proc/<pid>/comm are read line by line; these bound what we look at.
constexpr std::size_t kMaxProcNetLines = 100000;
constexpr std::size_t kMaxProcessesScanned = 100000;

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

[[noreturn]] void bad_spec(std::string_view item, const std::string& option) {
    std::string flag = option.substr(0, option.find('/'));
    throw Error("invalid port \"" + std::string(item) + "\" for " + option,
                "write it like " + flag + " 8080, " + flag +
                    " 8080-80 (host 8080 to guest 80) or " + flag + " 80,443 (ports 1-65535)");
}

std::uint16_t parse_port(std::string_view text, std::string_view item, const std::string& option) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || text.size() > 5 || error != std::errc() ||
        end != text.data() + text.size() || value == 0 || value > 65535)
        bad_spec(item, option);
    return static_cast<std::uint16_t>(value);
}

// The socket inode listening on (or bound to) `port` in /proc/net/<table>, 0 when none.
unsigned long socket_inode(const char* table, std::uint16_t port, bool listening_only) {
    std::ifstream file(std::string("/proc/net/") + table);
    std::string line;
    std::getline(file, line); // header
    for (std::size_t n = 0; n < kMaxProcNetLines && std::getline(file, line); ++n) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
        unsigned long inode = 0;
        fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
            timeout >> inode;
        auto colon = local.rfind(':');
        if (colon == std::string::npos)
            continue;
        unsigned long local_port = std::strtoul(local.c_str() + colon + 1, nullptr, 16);
        if (local_port == port && (!listening_only || state == "0A") && inode != 0)
            return inode;
    }
    return 0;
}

// "pid 1234, python3" for the process holding socket `inode`, "" when not found (another user's
// process, when ops is not root).
std::string socket_owner(unsigned long inode) {
    std::string wanted = "socket:[" + std::to_string(inode) + "]";
    std::error_code error;
    std::size_t scanned = 0;
    for (auto it = std::filesystem::directory_iterator("/proc", error);
         !error && it != std::filesystem::directory_iterator() && scanned < kMaxProcessesScanned;
         it.increment(error), ++scanned) {
        std::string pid = it->path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::error_code fd_error;
        for (auto fd = std::filesystem::directory_iterator(it->path() / "fd", fd_error);
             !fd_error && fd != std::filesystem::directory_iterator(); fd.increment(fd_error)) {
            char target[64];
            ssize_t length = ::readlink(fd->path().c_str(), target, sizeof target - 1);
            if (length <= 0 || std::string_view(target, static_cast<std::size_t>(length)) != wanted)
                continue;
            std::string name;
            std::ifstream(it->path() / "comm") >> name;
            return "pid " + pid + (name.empty() ? "" : ", " + name);
        }
    }
    return "";
}

std::string owner_of(const PortForward& forward) {
    bool tcp = forward.protocol == Protocol::Tcp;
    for (const char* table : {tcp ? "tcp" : "udp", tcp ? "tcp6" : "udp6"}) {
        unsigned long inode = socket_inode(table, forward.host, tcp);
        if (inode != 0)
            return socket_owner(inode);
    }
    return "";
}

} // namespace

const char* protocol_name(Protocol protocol) {
    return protocol == Protocol::Tcp ? "tcp" : "udp";
}

std::vector<PortForward> parse_port_specs(const std::vector<std::string>& values, Protocol protocol,
                                          const std::string& option) {
    std::vector<PortForward> forwards;
    for (const std::string& value : values) {
        std::string_view rest = value;
        while (true) {
            auto comma = rest.find(',');
            std::string_view item = trim(rest.substr(0, comma));
            auto separator = item.find_first_of("-:");
            PortForward forward;
            forward.protocol = protocol;
            forward.host = parse_port(item.substr(0, separator), item, option);
            forward.guest = separator == std::string_view::npos
                                ? forward.host
                                : parse_port(item.substr(separator + 1), item, option);
            forwards.push_back(forward);
            if (comma == std::string_view::npos)
                break;
            rest = rest.substr(comma + 1);
        }
    }
    return forwards;
}

void check_distinct_host_ports(const std::vector<PortForward>& forwards) {
    std::set<std::pair<Protocol, std::uint16_t>> seen;
    for (const PortForward& forward : forwards)
        if (!seen.insert({forward.protocol, forward.host}).second)
            throw Error(std::string("host port ") + std::to_string(forward.host) + "/" +
                            protocol_name(forward.protocol) + " is given twice",
                        "forward each host port once (-p HOST-GUEST picks another host port)");
}

std::string format_port_specs(const std::vector<PortForward>& forwards) {
    std::string text;
    for (const PortForward& forward : forwards) {
        if (!text.empty())
            text += ",";
        text += std::to_string(forward.host);
        if (forward.guest != forward.host)
            text += "-" + std::to_string(forward.guest);
    }
    return text;
}

std::optional<std::string> host_port_unavailable(const PortForward& forward) {
    bool tcp = forward.protocol == Protocol::Tcp;
    int fd = ::socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return std::string("cannot be probed (socket: ") + std::strerror(errno) + ")";
    if (tcp) {
        // QEMU's forwarder sets SO_REUSEADDR: a port held only by TIME_WAIT sockets is free.
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(forward.host);
    ::inet_pton(AF_INET, kForwardAddress, &address.sin_addr);
    int result = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    int saved = errno;
    ::close(fd);
    if (result == 0)
        return std::nullopt;
    if (saved == EADDRINUSE) {
        std::string owner = owner_of(forward);
        return "is already in use" + (owner.empty() ? std::string() : " (by " + owner + ")");
    }
    if (saved == EACCES)
        return std::string("is privileged (below 1024) and ops is not root");
    return std::string("cannot be bound: ") + std::strerror(saved);
}

void check_host_ports_available(const std::vector<PortForward>& forwards) {
    for (const PortForward& forward : forwards) {
        auto reason = host_port_unavailable(forward);
        if (!reason)
            continue;
        bool privileged = reason->rfind("is privileged", 0) == 0;
        throw Error(std::string("host port ") + std::to_string(forward.host) + "/" +
                        protocol_name(forward.protocol) + " on " + kForwardAddress + " " + *reason,
                    privileged ? "forward a host port from 1024 up (-p 8080-80), or run as root"
                               : "stop that program, or forward another host port (-p 8081-" +
                                     std::to_string(forward.guest) + ")");
    }
}

} // namespace ops
