// common_options.cpp: shared flag groups and config resolution. Flag names and meanings follow
// the established ops (ops-cli.md 1.3), plus --no-accel.
#include "ops/cli/common_options.h"

#include "ops/base/error.h"
#include "ops/cli/context.h"
#include "ops/config/config_file.h"
#include "ops/config/network_config.h"
#include "ops/config/mounts.h"
#include "ops/store/paths.h"

#include <CLI/CLI.hpp>

namespace ops {

namespace {
// The gdb port the established ops uses with -d (QEMU's -s).
constexpr unsigned kDefaultGdbPort = 1234;
constexpr unsigned kMaxCpus = 64;  // same bound as config.json's RunConfig.CPUs
} // namespace

void add_build_flags(CLI::App& command, BuildFlags& flags) {
    command.add_option("elf", flags.program, "The program (ELF) to put in the image");
    command.add_option("-c,--config", flags.config_path, "config.json file")
        ->type_name("FILE");
    command.add_option_function<std::vector<std::string>>(
               "-a,--args",
               [&flags](const std::vector<std::string>& values) { flags.args = values; },
               "Program argument (repeat for more; replaces Args from the config)")
        ->type_name("ARG")
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    command.add_option("-e,--envs", flags.envs, "Environment variable K=V (repeatable)")
        ->type_name("K=V")
        ->allow_extra_args(false);
    command.add_option("-i,--imagename", flags.image_name, "Image name (default: program name)")
        ->type_name("NAME");
    const char* kNetwork = "Network";
    command.add_option("--ip-address", flags.ip_address, "Static guest IPv4 address (default: DHCP)")
        ->type_name("A.B.C.D")
        ->group(kNetwork);
    command.add_option("--netmask", flags.netmask, "Netmask of --ip-address (default 255.255.255.0)")
        ->type_name("A.B.C.D")
        ->group(kNetwork);
    command.add_option("--gateway", flags.gateway,
                       "Gateway of --ip-address (default: the subnet's first address)")
        ->type_name("A.B.C.D")
        ->group(kNetwork);
    command.add_option("--ipv6-address", flags.ipv6_address, "Static guest IPv6 address")
        ->type_name("ADDRESS")
        ->group(kNetwork);
}

void add_run_flags(CLI::App& command, RunFlags& flags) {
    command.add_option_function<std::string>(
               "-m,--memory", [&flags](const std::string& value) { flags.memory = value; },
               "Guest memory, e.g. 512M or 2G (default 2G)")
        ->type_name("SIZE");
    command.add_option_function<unsigned>(
               "--smp", [&flags](unsigned value) { flags.cpus = value; }, "Number of CPUs")
        ->type_name("N")
        ->check(CLI::Range(1u, kMaxCpus));
    command.add_flag_function(
        "--accel,!--no-accel", [&flags](std::int64_t count) { flags.accel = count > 0; },
        "Use KVM when available (default); --accel=false or --no-accel forces emulation");
    command.add_option_function<std::string>(
               "--machine",
               [&flags](const std::string& value) { flags.machine = parse_machine(value); },
               "QEMU machine: microvm (default, fastest boot: virtio-mmio, no firmware) or q35 "
               "(PCI: virtio over PCI with MSI-X, qboot firmware)")
        ->type_name("MACHINE")
        ->check(CLI::IsMember({"microvm", "q35"}));
    command.add_flag("-v,--verbose", flags.verbose, "Print the QEMU command line");
    command.add_flag("-d,--debug", flags.debug,
                     "Debug: no ASLR, no KVM, QEMU waits for gdb on port 1234");
    command.add_option_function<unsigned>(
               "-g,--gdbport", [&flags](unsigned value) { flags.gdb_port = value; },
               "Start a gdb stub on this TCP port")
        ->type_name("PORT")
        ->check(CLI::Range(1u, 65535u));
    command.add_flag("--trace", flags.trace, "Trace syscalls and faults in the kernel");
    command.add_flag("--missing-files", flags.missing_files,
                     "Report files the program tried to open that are not in the image");
    command.add_flag("--syscall-summary", flags.syscall_summary,
                     "Print a syscall summary when the program exits");
    command.add_flag("-s,--skipbuild", flags.skip_build, "Boot the existing image, do not rebuild");
    command.add_option("--mounts", flags.mounts,
                       "Attach a volume and mount it: VOLUME:/PATH[:ro] (repeatable)");
    const char* kNetwork = "Network";
    command.add_option("-p,--port", flags.ports,
                       "Forward TCP 127.0.0.1:PORT to the guest: 8080, 8080-80 (host-guest) or "
                       "80,443 (repeatable)")
        ->type_name("PORT")
        ->allow_extra_args(false)
        ->group(kNetwork);
    command.add_option("--udp", flags.udp_ports, "Forward UDP ports, same syntax as -p")
        ->type_name("PORT")
        ->allow_extra_args(false)
        ->group(kNetwork);
    command.add_flag("-b,--bridged", flags.bridged,
                     "Connect the guest to a host bridge through a tap (needs root)")
        ->group(kNetwork);
    command.add_option("-t,--tapname", flags.tap_name,
                       "Tap device for the guest, created when missing (default: one per run)")
        ->type_name("NAME")
        ->group(kNetwork);
    command.add_option("--bridgename", flags.bridge_name,
                       "Bridge for --bridged, created when missing (default br0)")
        ->type_name("NAME")
        ->group(kNetwork);
    command.add_option("--bridgeipaddress", flags.bridge_ip_address,
                       "Host address of a bridge --bridged creates, e.g. 192.168.33.1/24 "
                       "(default: none)")
        ->type_name("A.B.C.D/N")
        ->group(kNetwork);
}

void add_global_flags(CLI::App& app, Context& context) {
    const char* kGroup = "Global flags";
    auto add = [&](const std::string& names, const std::string& help,
                   std::function<void(std::int64_t)> set) {
        try {
            app.add_flag_function(names, std::move(set), help)->group(kGroup);
        } catch (const CLI::OptionAlreadyAdded&) {
            // The command defines this name itself; its own flag wins.
        }
    };
    add("-j,--json", "Print lists as JSON", [&context](std::int64_t) { context.json = true; });
    add("--show-errors", "Show errors only (the default)", [](std::int64_t) {});
    add("--show-warnings", "Also show warnings",
        [&context](std::int64_t) { context.log.show(LogLevel::warnings); });
    add("--show-debug", "Also show debug messages",
        [&context](std::int64_t) { context.log.show(LogLevel::debug); });
    for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; }))
        add_global_flags(*command, context);
}

Config resolve_config(const BuildFlags& build, const RunFlags* run) {
    Config config;
    if (!build.config_path.empty())
        config = load_config_file(build.config_path, std::move(config));
    if (config.local_files_parent_directory.empty())
        config.local_files_parent_directory = std::filesystem::current_path();

    if (!build.program.empty())
        config.program = build.program;
    if (build.args)
        config.args = *build.args;
    for (auto& assignment : build.envs) {
        auto equals = assignment.find('=');
        if (equals == std::string::npos || equals == 0)
            throw Error("-e/--envs \"" + assignment + "\" is not of the form KEY=VALUE",
                        "write it like -e NAME=value");
        config.env[assignment.substr(0, equals)] = assignment.substr(equals + 1);
    }
    if (!build.image_name.empty())
        config.run.image_name = build.image_name;
    if (!build.ip_address.empty())
        config.run.ip_address = build.ip_address;
    if (!build.ipv6_address.empty())
        config.run.ipv6_address = build.ipv6_address;
    if (!build.gateway.empty())
        config.run.gateway = build.gateway;
    if (!build.netmask.empty())
        config.run.netmask = build.netmask;

    if (!run) {
        check_network_config(config.run);
        return config;
    }
    // Ports add to the config's; bridge and tap flags override it.
    config.run.ports.insert(config.run.ports.end(), run->ports.begin(), run->ports.end());
    config.run.udp_ports.insert(config.run.udp_ports.end(), run->udp_ports.begin(),
                                run->udp_ports.end());
    if (run->bridged)
        config.run.bridged = true;
    if (!run->tap_name.empty())
        config.run.tap_name = run->tap_name;
    if (!run->bridge_ip_address.empty())
        config.run.bridge_ip_address = run->bridge_ip_address;
    if (!run->bridge_name.empty()) {
        config.run.bridge_name = run->bridge_name;
        config.run.bridged = true;
    }
    check_network_config(config.run);
    if (run->memory) {
        try {
            config.run.memory_mib = parse_memory_mib(*run->memory);
        } catch (const std::invalid_argument& e) {
            throw Error("invalid memory size \"" + *run->memory + "\" for -m/--memory (" +
                            e.what() + ")",
                        "write it like -m 512M or -m 2G");
        }
    }
    if (run->cpus)
        config.run.cpus = *run->cpus;
    if (run->accel)
        config.run.accel = *run->accel;
    if (run->machine)
        config.run.machine = *run->machine;
    if (run->verbose)
        config.run.verbose = true;
    if (run->debug)
        config.run.debug = true;
    if (run->gdb_port)
        config.run.gdb_port = *run->gdb_port;
    if (config.run.debug) {
        // As in the established ops: a debuggable run has no ASLR, no KVM and a gdb stub.
        config.add_debug_flag("noaslr");
        config.run.accel = false;
        if (config.run.gdb_port == 0)
            config.run.gdb_port = kDefaultGdbPort;
    }
    if (run->trace)
        for (const char* flag : {"trace", "debugsyscalls", "fault", "futex_trace"})
            config.add_debug_flag(flag);
    if (run->missing_files)
        config.add_debug_flag("missing_files");
    std::map<std::string, std::string> flagged; // --mounts overrides Mounts, once per volume
    for (const std::string& mount : run->mounts) {
        auto [volume, target] = parse_mount_flag(mount);
        if (!flagged.emplace(volume, mount).second)
            throw Error("volume " + volume + " is attached twice (--mounts " + flagged[volume] +
                            " and --mounts " + mount + ")",
                        "mount each volume once");
        config.mounts[volume] = target;
    }
    if (run->syscall_summary)
        config.add_debug_flag("syscall_summary");
    return config;
}

std::string image_name_for(const Config& config) {
    if (!config.run.image_name.empty())
        return image_name_from(config.run.image_name);
    if (config.program.empty())
        throw Error("no program given", "give the ELF as an argument (ops run ./myapp) or set "
                                        "Program in config.json");
    return image_name_from(config.program);
}

} // namespace ops
