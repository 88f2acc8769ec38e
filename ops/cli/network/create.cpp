// create.cpp: `ops network create [--bridgename br0] [--subnet 192.168.33.0/24]`: a Linux
// bridge with the subnet's .1 address and a dnsmasq DHCP server (ops/hostnet/network.h).
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/hostnet/network.h"
#include "ops/store/paths.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

namespace ops {

namespace {
struct NetworkCreateCommand {
    std::string bridge = kDefaultBridgeName;
    std::string subnet = kDefaultSubnet;
};
} // namespace

void add_network_create_command(CLI::App& app, Context& context) {
    auto command = std::make_shared<NetworkCreateCommand>();
    app.add_option("--bridgename", command->bridge, "Bridge (and network) name")
        ->type_name("NAME")
        ->capture_default_str();
    app.add_option("--subnet", command->subnet, "IPv4 subnet; the bridge takes its .1 address")
        ->type_name("CIDR")
        ->capture_default_str();
    app.callback([&context, command] {
        Networks networks(StorePaths::from_environment(context.environment), NetworkHost::real());
        NetworkRecord record = networks.create(command->bridge, parse_subnet(command->subnet));
        std::printf("%s %s gateway %s dhcp %s-%s\n", record.name.c_str(),
                    record.subnet.to_string().c_str(), format_ipv4(record.subnet.gateway()).c_str(),
                    format_ipv4(record.subnet.dhcp_first()).c_str(),
                    format_ipv4(record.subnet.dhcp_last()).c_str());
    });
}

} // namespace ops
