// record.h: what ops remembers about one instance (instances/<name>/instance.json) and how it is
// written and read. Reading treats the file as outside input: bounded and strictly checked.
// Locking and the directory layout live in registry.h; starting and stopping in lifecycle.h.
#pragma once

#include "ops/config/machine.h"

#include "ops/hostnet/tap.h"
#include "ops/vmm/run_request.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ops {

inline constexpr int kInstanceRecordVersion = 1;
// A record is a few hundred bytes; anything past this is not ours.
inline constexpr std::size_t kMaxInstanceRecordBytes = 64 * 1024;
// Names become directory names and part of the QMP socket path (unix paths are short).
inline constexpr std::size_t kMaxInstanceNameLength = 64;

struct InstanceRecord {
    std::string name;
    std::filesystem::path image; // the image it was created from (never modified by ops)
    std::filesystem::path disk;  // the instance's own copy of it, which QEMU boots
    std::filesystem::path kernel;
    std::uint64_t memory_mib = kDefaultMemoryMib;
    unsigned cpus = 1;
    Machine machine = kDefaultMachine;
    std::vector<PortForward> ports; // reserved for this instance, running or not
    std::int64_t created = 0;       // unix seconds
    std::int64_t started = 0;       // unix seconds of the last start, 0 if never
    // The QEMU process while running, 0 when stopped. A pid alone is not proof: `argv` is what
    // /proc/<pid>/cmdline must show for the process to still be ours.
    int pid = 0;
    std::vector<std::string> argv;
    std::string accel; // "kvm" or "tcg", as last started
    std::string mac;   // the guest NIC's MAC, kept across starts (stable DHCP leases)
    // Bridged instances: the tap (and bridge) create set up; tap.tap empty: QEMU's user network.
    TapSetup tap;
    // Data volumes attached at every boot, in order (--mounts; the image's manifest mounts them).
    std::vector<AttachedVolume> volumes;

    bool operator==(const InstanceRecord&) const = default;
};

std::string instance_record_to_json(const InstanceRecord& record);
// Throws ops::Error naming `source` when the text is not a valid record.
InstanceRecord instance_record_from_json(std::string_view text,
                                         const std::filesystem::path& source);

// Letters, digits, '.', '_' and '-', not starting with '.' or '-', at most 64 characters.
bool is_valid_instance_name(std::string_view name);
// Throws ops::Error with the rule when the name is not valid.
void check_instance_name(std::string_view name);

// -p and --udp values (port_forward.h syntax: "8080", "8080-80", "8080:80", comma lists).
// Throws ops::Error on a malformed value or a host port given twice for one protocol.
std::vector<PortForward> parse_port_forwards(const std::vector<std::string>& values,
                                             const std::vector<std::string>& udp_values = {});
// The -p syntax back ("8080-80,9000,5353/udp"), for listings; "" when none.
std::string format_port_forwards(const std::vector<PortForward>& ports);

} // namespace ops
