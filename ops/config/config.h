// config.h: the typed configuration of one program to build and run. It is filled from
// config.json (config_file.cpp), then from the environment and the command line (cli/), in that
// order; the image builder and the VM launcher read only this struct.
#pragma once

#include "ops/config/machine.h"
#include "ops/config/size.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ops {

// A ManifestPassthrough value, already in manifest shape: strings, vectors and tuples only
// (manifest.md 9.1). JSON numbers become their decimal text and `true` becomes "t".
struct ManifestValue {
    enum class Kind { String, Vector, Tuple };
    Kind kind = Kind::String;
    std::string string;
    std::vector<ManifestValue> vector;
    std::vector<std::pair<std::string, ManifestValue>> tuple;  // in file order
};

// config.json "RunConfig": how the VM is started. Field comments give the JSON name.
struct RunConfig {
    std::uint64_t memory_mib = kDefaultMemoryMib;  // Memory ("2G")
    unsigned cpus = 1;                             // CPUs (0 in the file means the default, 1)
    bool accel = true;                             // Accel
    bool verbose = false;                          // Verbose
    Machine machine = kDefaultMachine;             // Machine ("microvm" | "q35"; ours)
    // Networking (docs/networking.md). Ports/UDPPorts use the -p syntax ("80", "8080-80",
    // "80,443"); addresses are text as the user wrote them, checked by resolve_config.
    std::vector<std::string> ports;                // Ports
    std::vector<std::string> udp_ports;            // UDPPorts
    bool bridged = false;                          // Bridged
    std::string bridge_name;                       // BridgeName (default br0 when bridged)
    std::string tap_name;                          // TapName (default: one per run)
    std::string bridge_ip_address;                 // BridgeIPAddress ("A.B.C.D/N", new bridges)
    std::string ip_address;                        // IPAddress (empty: DHCP)
    std::string ipv6_address;                      // IPv6Address
    std::string gateway;                           // Gateway
    std::string netmask;                           // NetMask
    bool debug = false;                            // Debug
    unsigned gdb_port = 0;                         // GdbPort (0: no gdb stub unless Debug)
    std::string image_name;                        // ImageName
};

struct Config {
    std::string program;                                // Program
    std::vector<std::string> args;                      // Args (argv[1..]; argv[0] is Program)
    std::map<std::string, std::string> env;             // Env
    std::vector<std::string> files;                     // Files
    std::vector<std::string> dirs;                      // Dirs
    std::map<std::string, std::string> map_dirs;        // MapDirs (host glob -> guest dir)
    std::map<std::string, std::string> mounts;          // Mounts (volume -> guest path[:ro])
    std::optional<std::uint64_t> base_volume_bytes;     // BaseVolumeSz ("100m", "1g")
    std::vector<std::string> name_servers;              // NameServers (empty: the default)
    std::vector<std::pair<std::string, ManifestValue>> manifest_passthrough;  // ManifestPassthrough
    std::vector<std::string> debug_flags;               // Debugflags (manifest flags set to "t")
    std::vector<std::string> no_trace;                  // NoTrace
    bool reboot_on_exit = false;                        // RebootOnExit
    std::string kernel;                                 // Kernel (empty: OPS_KERNEL or beside ops)
    std::string target_root;                            // TargetRoot
    // Base for relative Files/Dirs/MapDirs: the config file's directory, else the working
    // directory (the established tool's LocalFilesParentDirectory).
    std::filesystem::path local_files_parent_directory;
    RunConfig run;

    // Adds `flag` to debug_flags unless it is already there.
    void add_debug_flag(const std::string& flag);
};

// The default name server written to /etc/resolv.conf when NameServers is empty.
inline constexpr const char* kDefaultNameServer = "8.8.8.8";

} // namespace ops
