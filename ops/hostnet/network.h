// network.h: host networks: a Linux bridge holding the subnet's .1 address, and a dnsmasq DHCP
// server for the rest of the subnet, recorded in ~/.ops/networks/<name>.json. Every host change
// goes through a CommandRunner (ip and dnsmasq argvs, never a shell), so tests can check the
// exact commands; the kernel side (virtio-net, DHCP client) is a later milestone.
#pragma once

#include "ops/hostnet/command_runner.h"
#include "ops/hostnet/subnet.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ops {

class StorePaths;

inline constexpr int kNetworkRecordVersion = 1;
inline constexpr std::size_t kMaxNetworkRecordBytes = 64 * 1024;
// The established ops's defaults (ops-cli.md 1.4, section 5).
inline constexpr const char* kDefaultBridgeName = "br0";
inline constexpr const char* kDefaultSubnet = "192.168.33.0/24";

struct NetworkRecord {
    std::string name;  // also the bridge's interface name
    Subnet subnet;
    int dnsmasq_pid = 0;
    std::vector<std::string> dnsmasq_argv;  // what /proc/<pid>/cmdline must show
    std::int64_t created = 0;
    bool operator==(const NetworkRecord&) const = default;
};

std::string network_record_to_json(const NetworkRecord& record);
// Throws ops::Error naming `source`.
NetworkRecord network_record_from_json(std::string_view text, const std::filesystem::path& source);

// Interface names: 1-15 characters (IFNAMSIZ), letters, digits, '_', '.', '-'; not "." or "..".
bool is_valid_bridge_name(std::string_view name);

struct NetworkHost {
    CommandRunner run = run_command;
    // argv of a live process, nullopt when gone (host_process.h's process_command_line).
    std::function<std::optional<std::vector<std::string>>(int pid)> command_line;
    std::function<void(int pid, int signal)> send_signal;
    static NetworkHost real();
};

struct NetworkStatus {
    NetworkRecord record;
    bool bridge_up = false;     // the interface exists
    bool dhcp_running = false;  // dnsmasq still runs with our argv
};

class Networks {
public:
    Networks(const StorePaths& store, NetworkHost host);

    std::filesystem::path directory() const { return m_directory; }
    std::filesystem::path record_path(const std::string& name) const { return m_directory / (name + ".json"); }

    // Creates the bridge, gives it the gateway address, brings it up and starts dnsmasq.
    // Undoes what it did when a step fails. Throws ops::Error: the name or an overlapping subnet
    // is already recorded, the interface exists, or a command fails (its output is quoted).
    NetworkRecord create(const std::string& name, const Subnet& subnet);
    std::vector<NetworkStatus> list();
    // Stops dnsmasq, deletes the bridge, removes the record and the lease file.
    void remove(const std::string& name);

    // The commands create() runs, in order, for tests and --verbose.
    std::vector<std::vector<std::string>> bridge_commands(const std::string& name, const Subnet& subnet) const;
    std::vector<std::string> dnsmasq_argv(const std::string& name, const Subnet& subnet) const;

private:
    std::optional<NetworkRecord> read(const std::string& name) const;
    std::vector<std::string> names() const;
    bool interface_exists(const std::string& name) const;
    void run_checked(const std::vector<std::string>& argv) const;
    void stop_dnsmasq(const NetworkRecord& record) const;

    std::filesystem::path m_directory;
    NetworkHost m_host;
};

} // namespace ops
