// common_options.h: flag groups shared by commands, and the one place flags, config.json and the
// environment are merged into a Config (resolve_config).
#pragma once

#include "ops/config/config.h"

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace ops {

class Environment;
struct Context;

// Flags that shape the image: -c -a -e -i, plus the ELF argument.
struct BuildFlags {
    std::string program;  // positional
    std::string config_path;
    std::optional<std::vector<std::string>> args;  // -a replaces Args when given at least once
    std::vector<std::string> envs;                 // -e K=V, merged over Env
    std::string image_name;
    // Static guest addresses, written into the image's manifest (--ip-address ...).
    std::string ip_address;
    std::string ipv6_address;
    std::string gateway;
    std::string netmask;
};

// Flags that shape the VM: -m --smp --accel -v -d -g --trace --missing-files ...
struct RunFlags {
    std::optional<std::string> memory;
    std::optional<unsigned> cpus;
    std::optional<bool> accel;
    std::optional<Machine> machine;  // --machine microvm|q35
    bool verbose = false;
    bool debug = false;
    std::optional<unsigned> gdb_port;
    bool trace = false;
    bool missing_files = false;
    bool syscall_summary = false;
    bool skip_build = false;
    std::vector<std::string> mounts;  // --mounts VOLUME:/PATH[:ro], merged over Mounts
    // Networking: -p/--port, --udp (added to RunConfig.Ports/UDPPorts), -b, -t, --bridgename.
    std::vector<std::string> ports;
    std::vector<std::string> udp_ports;
    bool bridged = false;
    std::string tap_name;
    std::string bridge_name;
    std::string bridge_ip_address;
};

void add_build_flags(CLI::App& command, BuildFlags& flags);

// The established ops's global flags, -j/--json and --show-errors/--show-warnings/--show-debug,
// bound to `context`. Added to `app` and every command below it (call it after the tree is
// built) so they work before or after the command name. A command that already has one of these
// names keeps its own.
void add_global_flags(CLI::App& app, Context& context);
void add_run_flags(CLI::App& command, RunFlags& flags);

// defaults <- config file (-c) <- command line. `run` may be null (ops build). Checks the network
// settings (ports, addresses, tap and bridge names) as a whole. Throws ops::Error.
// The environment's part (OPS_ACCEL, OPS_KERNEL, OPS_HOME) is read where it is used.
Config resolve_config(const BuildFlags& build, const RunFlags* run);

// The image file name for a resolved config: -i / RunConfig.ImageName, else the program name.
std::string image_name_for(const Config& config);

} // namespace ops
