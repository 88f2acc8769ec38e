// delete.cpp: `ops instance delete <name>`: stop it if running and remove its record and
// directory (its console log and disk copy) and the tap/bridge its create made. The image it was
// created from stays.
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/instance/instance_options.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

namespace ops {

void add_instance_delete_command(CLI::App& app, Context& context) {
    auto name = std::make_shared<std::string>();
    app.add_option("name", *name, "Instance name")->required();
    app.callback([&context, name] {
        std::string leftovers = open_instances(context).remove(*name);
        if (!leftovers.empty())
            std::fprintf(stderr, "ops: warning: could not remove the instance's tap set-up: %s\n",
                         leftovers.c_str());
    });
}

} // namespace ops
