// delete.cpp: `ops network delete <name>`: stop its dnsmasq, delete the bridge, drop the record.
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/hostnet/network.h"
#include "ops/store/paths.h"

#include <CLI/CLI.hpp>
#include <memory>

namespace ops {

void add_network_delete_command(CLI::App& app, Context& context) {
    auto name = std::make_shared<std::string>();
    app.add_option("name", *name, "Network (bridge) name")->required();
    app.callback([&context, name] {
        Networks(StorePaths::from_environment(context.environment), NetworkHost::real()).remove(*name);
    });
}

} // namespace ops
