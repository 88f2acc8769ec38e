// network.cpp: bridge + dnsmasq networks and their records.
#include "ops/hostnet/network.h"

#include "ops/base/error.h"
#include "ops/instance/host_process.h"
#include "ops/store/atomic_file.h"
#include "ops/store/paths.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace ops {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxBridgeNameLength = 15;  // IFNAMSIZ - 1
// dnsmasq stops within milliseconds of SIGTERM; these only bound a hung one.
constexpr std::chrono::milliseconds kDnsmasqStopTimeout{3000};
constexpr std::chrono::milliseconds kPollInterval{20};
constexpr std::size_t kMaxPidFileBytes = 32;

[[noreturn]] void bad_record(const std::filesystem::path& source, const std::string& why) {
    throw Error("invalid network record " + source.string() + ": " + why, "remove that file");
}

// flock on networks/.lock for the lifetime of the object.
class NetworksLock {
public:
    explicit NetworksLock(const std::filesystem::path& directory) {
        ensure_directory(directory);
        std::filesystem::path path = directory / ".lock";
        m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (m_fd < 0)
            throw Error("cannot open " + path.string() + ": " + std::strerror(errno), "");
        while (::flock(m_fd, LOCK_EX) < 0 && errno == EINTR) {
        }
    }
    ~NetworksLock() { ::close(m_fd); }
    NetworksLock(const NetworksLock&) = delete;
    NetworksLock& operator=(const NetworksLock&) = delete;

private:
    int m_fd = -1;
};

std::string command_text(const std::vector<std::string>& argv) {
    std::string text;
    for (const auto& argument : argv)
        text += (text.empty() ? "" : " ") + argument;
    return text;
}

} // namespace

std::string network_record_to_json(const NetworkRecord& record) {
    json object = {
        {"version", kNetworkRecordVersion},
        {"name", record.name},
        {"bridge", record.name},
        {"subnet", record.subnet.to_string()},
        {"gateway", format_ipv4(record.subnet.gateway())},
        {"dhcp_range", {format_ipv4(record.subnet.dhcp_first()), format_ipv4(record.subnet.dhcp_last())}},
        {"dnsmasq_pid", record.dnsmasq_pid},
        {"dnsmasq_argv", record.dnsmasq_argv},
        {"created", record.created},
    };
    return object.dump(2) + "\n";
}

NetworkRecord network_record_from_json(std::string_view text, const std::filesystem::path& source) {
    if (text.size() > kMaxNetworkRecordBytes)
        bad_record(source, "too large");
    json object = json::parse(text, nullptr, false);
    if (object.is_discarded() || !object.is_object())
        bad_record(source, "not a JSON object");
    NetworkRecord record;
    try {
        if (object.at("version").get<int>() != kNetworkRecordVersion)
            bad_record(source, "unknown version");
        record.name = object.at("name").get<std::string>();
        record.subnet = parse_subnet(object.at("subnet").get<std::string>());
        record.dnsmasq_pid = object.at("dnsmasq_pid").get<int>();
        record.dnsmasq_argv = object.at("dnsmasq_argv").get<std::vector<std::string>>();
        record.created = object.at("created").get<std::int64_t>();
    } catch (const json::exception& e) {
        bad_record(source, e.what());
    } catch (const Error& e) {
        bad_record(source, e.what());
    }
    if (!is_valid_bridge_name(record.name) || record.dnsmasq_pid < 0)
        bad_record(source, "invalid name or pid");
    return record;
}

bool is_valid_bridge_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxBridgeNameLength || name == "." || name == "..")
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '.' || c == '-';
    });
}

NetworkHost NetworkHost::real() {
    NetworkHost host;
    host.run = run_command;
    host.command_line = process_command_line;
    host.send_signal = [](int pid, int signal) { ::kill(pid, signal); };
    return host;
}

Networks::Networks(const StorePaths& store, NetworkHost host)
    : m_directory(store.root() / "networks"), m_host(std::move(host)) {}

std::vector<std::vector<std::string>> Networks::bridge_commands(const std::string& name,
                                                                const Subnet& subnet) const {
    std::string address = format_ipv4(subnet.gateway()) + "/" + std::to_string(subnet.prefix);
    return {
        {"ip", "link", "add", "name", name, "type", "bridge"},
        {"ip", "address", "add", address, "dev", name},
        {"ip", "link", "set", "dev", name, "up"},
    };
}

std::vector<std::string> Networks::dnsmasq_argv(const std::string& name, const Subnet& subnet) const {
    return {
        "dnsmasq",
        // Only our options: no /etc/dnsmasq.conf, no /etc/hosts-derived surprises.
        "--conf-file=/dev/null",
        "--pid-file=" + (m_directory / (name + ".pid")).string(),
        "--dhcp-leasefile=" + (m_directory / (name + ".leases")).string(),
        // Bind only the bridge's address, so other dnsmasq or resolvers on the host keep theirs.
        "--bind-interfaces",
        "--interface=" + name,
        "--except-interface=lo",
        "--listen-address=" + format_ipv4(subnet.gateway()),
        "--dhcp-range=" + format_ipv4(subnet.dhcp_first()) + "," + format_ipv4(subnet.dhcp_last()) + ",12h",
        // Run as root only to open files in ~/.ops; dnsmasq then drops to its own user.
    };
}

std::optional<NetworkRecord> Networks::read(const std::string& name) const {
    std::filesystem::path path = record_path(name);
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return std::nullopt;
    std::string text(kMaxNetworkRecordBytes + 1, '\0');
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(file.gcount()));
    NetworkRecord record = network_record_from_json(text, path);
    if (record.name != name)
        bad_record(path, "names \"" + record.name + "\"");
    return record;
}

std::vector<std::string> Networks::names() const {
    std::vector<std::string> names;
    std::error_code error;
    for (auto it = std::filesystem::directory_iterator(m_directory, error);
         !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
        if (it->path().extension() != ".json")
            continue;
        std::string name = it->path().stem().string();
        if (is_valid_bridge_name(name))
            names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

bool Networks::interface_exists(const std::string& name) const {
    return m_host.run({"ip", "link", "show", "dev", name}).exit_status == 0;
}

void Networks::run_checked(const std::vector<std::string>& argv) const {
    CommandResult result = m_host.run(argv);
    if (result.exit_status == 127)
        throw Error(argv[0] + " was not found", argv[0] == "dnsmasq"
                                                    ? "install dnsmasq (apt-get install dnsmasq-base)"
                                                    : "install iproute2 (apt-get install iproute2)");
    if (result.exit_status != 0) {
        std::string fix = "see the message";
        if (result.output.find("Operation not permitted") != std::string::npos ||
            result.output.find("ermission denied") != std::string::npos)
            fix = "host networks need root (or CAP_NET_ADMIN): run with sudo";
        throw Error("`" + command_text(argv) + "` failed (status " +
                        std::to_string(result.exit_status) + "): " + result.output,
                    fix);
    }
}

NetworkRecord Networks::create(const std::string& name, const Subnet& subnet) {
    if (!is_valid_bridge_name(name))
        throw Error("invalid bridge name \"" + name + "\"",
                    "use 1-15 letters, digits, '_', '.' or '-'");
    NetworksLock lock(m_directory);
    if (read(name))
        throw Error("network \"" + name + "\" already exists", "delete it first, or pick another --bridgename");
    for (const std::string& other : names()) {
        std::optional<NetworkRecord> record;
        try {
            record = read(other);
        } catch (const Error&) {
            continue;
        }
        if (record && record->subnet.overlaps(subnet))
            throw Error("subnet " + subnet.to_string() + " overlaps network \"" + other + "\" (" +
                            record->subnet.to_string() + ")",
                        "pick another --subnet");
    }
    if (interface_exists(name))
        throw Error("a network interface named \"" + name + "\" already exists on this host",
                    "pick another --bridgename");

    NetworkRecord record;
    record.name = name;
    record.subnet = subnet;
    record.created = static_cast<std::int64_t>(std::time(nullptr));
    record.dnsmasq_argv = dnsmasq_argv(name, subnet);
    std::filesystem::path pid_file = m_directory / (name + ".pid");
    bool bridge_added = false;
    try {
        for (const auto& command : bridge_commands(name, subnet)) {
            run_checked(command);
            bridge_added = true;
        }
        // dnsmasq forks into the background; its parent exits only after the child has
        // started (or failed to), so the status is meaningful and the pid file is written.
        run_checked(record.dnsmasq_argv);
        std::ifstream pid_stream(pid_file);
        std::string pid_text(kMaxPidFileBytes, '\0');
        pid_stream.read(pid_text.data(), static_cast<std::streamsize>(pid_text.size()));
        pid_text.resize(static_cast<std::size_t>(pid_stream.gcount()));
        record.dnsmasq_pid = std::atoi(pid_text.c_str());
        if (record.dnsmasq_pid <= 0)
            throw Error("dnsmasq started but wrote no pid to " + pid_file.string(), "");
        write_file_atomically(record_path(name), network_record_to_json(record));
    } catch (...) {
        if (record.dnsmasq_pid > 0)
            stop_dnsmasq(record);
        if (bridge_added)
            m_host.run({"ip", "link", "delete", "dev", name});
        std::error_code ignored;
        std::filesystem::remove(pid_file, ignored);
        throw;
    }
    return record;
}

std::vector<NetworkStatus> Networks::list() {
    NetworksLock lock(m_directory);
    std::vector<NetworkStatus> statuses;
    for (const std::string& name : names()) {
        auto record = read(name);
        if (!record)
            continue;
        NetworkStatus status;
        status.record = *record;
        status.bridge_up = interface_exists(name);
        auto command_line = m_host.command_line(record->dnsmasq_pid);
        status.dhcp_running = command_line && *command_line == record->dnsmasq_argv;
        statuses.push_back(std::move(status));
    }
    return statuses;
}

void Networks::stop_dnsmasq(const NetworkRecord& record) const {
    auto ours = [&] {
        auto command_line = m_host.command_line(record.dnsmasq_pid);
        return command_line && *command_line == record.dnsmasq_argv;
    };
    for (int signal : {SIGTERM, SIGKILL}) {
        if (!ours())
            return;
        m_host.send_signal(record.dnsmasq_pid, signal);
        auto deadline = std::chrono::steady_clock::now() + kDnsmasqStopTimeout;
        while (ours() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(kPollInterval);
    }
}

void Networks::remove(const std::string& name) {
    if (!is_valid_bridge_name(name))
        throw Error("invalid bridge name \"" + name + "\"", "see ops network list");
    NetworksLock lock(m_directory);
    auto record = read(name);
    if (!record)
        throw Error("there is no network named \"" + name + "\"", "see ops network list");
    stop_dnsmasq(*record);
    if (interface_exists(name))
        run_checked({"ip", "link", "delete", "dev", name});
    std::error_code ignored;
    std::filesystem::remove(m_directory / (name + ".pid"), ignored);
    std::filesystem::remove(m_directory / (name + ".leases"), ignored);
    std::filesystem::remove(record_path(name), ignored);
}

} // namespace ops
