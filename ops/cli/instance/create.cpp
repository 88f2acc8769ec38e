// create.cpp: `ops instance create <image> [-i name] [-p ports] [--udp ports] [--bridged] [--tap
// name] [--bridgename br] [-m mem] [--smp N] [--machine microvm|q35] [--mounts VOLUME:/PATH[:ro]]`:
// boot an image in the background (ops/instance/lifecycle.h).
#include "ops/base/error.h"
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/instance/instance_options.h"
#include "ops/config/config.h"
#include "ops/config/machine.h"
#include "ops/config/size.h"
#include "ops/hostnet/network.h"
#include "ops/image/kernel.h"
#include "ops/volume/attach.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

namespace ops {

namespace {

constexpr unsigned kMaxCpus = 64; // as ops run --smp

struct CreateCommand {
    std::string image;
    std::string name;
    std::vector<std::string> ports;
    std::vector<std::string> udp_ports;
    bool bridged = false;
    std::string tap;
    std::string bridge;
    std::string memory;
    unsigned cpus = 1;
    std::string machine;
    std::vector<std::string> mounts;
};

void create(const Context& context, const CreateCommand& command) {
    StorePaths store = StorePaths::from_environment(context.environment);
    CreateInstanceRequest request;
    request.image = resolve_instance_image(store, command.image);
    request.name = command.name;
    request.ports = parse_port_forwards(command.ports, command.udp_ports);
    for (const std::string* name : {&command.tap, &command.bridge})
        if (!name->empty() && !is_valid_bridge_name(*name))
            throw Error("invalid interface name \"" + *name + "\" for --" +
                            (name == &command.tap ? "tap" : "bridgename"),
                        "use 1-15 letters, digits, '_', '.' or '-'");
    request.use_tap = command.bridged || !command.tap.empty() || !command.bridge.empty();
    request.tap = command.tap;
    if (command.bridged || !command.bridge.empty())
        request.bridge = command.bridge.empty() ? kDefaultBridgeName : command.bridge;
    if (!command.memory.empty()) {
        try {
            request.memory_mib = parse_memory_mib(command.memory);
        } catch (const std::invalid_argument& e) {
            throw Error("invalid memory size \"" + command.memory + "\" for -m/--memory (" +
                            e.what() + ")",
                        "write it like -m 512M or -m 2G");
        }
    }
    request.cpus = command.cpus;
    if (!command.machine.empty())
        request.machine = *parse_machine(command.machine); // CLI::IsMember checked the name
    // Checked as ops run checks --mounts; the image's manifest says where each is mounted.
    Config mounts;
    mounts.mounts = mounts_from_flags(command.mounts);
    request.volumes = volumes_to_attach(store, mounts);
    request.kernel = find_kernel(Config{}, context.environment, context.executable_directory);
    request.accel = instance_accel(context);

    InstanceRecord record = open_instances(context).create(request);
    std::printf("%s\n", record.name.c_str());
    std::fprintf(stderr,
                 "ops: instance \"%s\" started (pid %d); see its console with: ops instance "
                 "logs %s\n",
                 record.name.c_str(), record.pid, record.name.c_str());
}

} // namespace

void add_instance_create_command(CLI::App& app, Context& context) {
    auto command = std::make_shared<CreateCommand>();
    app.add_option("image", command->image, "Image name (ops image list) or path")->required();
    app.add_option("-i,--instance-name", command->name, "Instance name (default: <image>-<time>)")
        ->type_name("NAME");
    app.add_option("-p,--port", command->ports,
                   "Forward TCP 127.0.0.1:HOST to the guest: 8080, 8080-80 (host-guest) or "
                   "80,443 (repeatable)")
        ->type_name("PORT")
        ->allow_extra_args(false);
    app.add_option("--udp", command->udp_ports, "Forward UDP ports, same syntax as -p")
        ->type_name("PORT")
        ->allow_extra_args(false);
    app.add_flag("--bridged", command->bridged,
                 "Connect the guest to a host bridge through a tap kept until delete (needs root)");
    app.add_option("--tap", command->tap, "Tap device for the guest, created when missing")
        ->type_name("NAME");
    app.add_option("--bridgename", command->bridge,
                   "Bridge for --bridged, created when missing (default br0)")
        ->type_name("NAME");
    app.add_option("-m,--memory", command->memory, "Guest memory, e.g. 512M or 2G (default 2G)")
        ->type_name("SIZE");
    app.add_option("--smp", command->cpus, "Number of CPUs")
        ->type_name("N")
        ->check(CLI::Range(1u, kMaxCpus));
    app.add_option("--machine", command->machine,
                   "QEMU machine: microvm (default, fastest boot) or q35 (virtio over PCI), kept "
                   "for every start")
        ->type_name("MACHINE")
        ->check(CLI::IsMember({"microvm", "q35"}));
    app.add_option("--mounts", command->mounts,
                   "Attach a volume at every boot: VOLUME:/PATH[:ro] (repeatable; build the "
                   "image with the same --mounts)")
        ->type_name("VOLUME:/PATH[:ro]")
        ->allow_extra_args(false);
    app.callback([&context, command] { create(context, *command); });
}

} // namespace ops
