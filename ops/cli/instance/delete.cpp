// delete.cpp: `ops instance delete <name>`: stop it if running and remove its record and
// directory (its console log and disk copy). The image it was created from stays.
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/instance/instance_options.h"

#include <CLI/CLI.hpp>
#include <memory>

namespace ops {

void add_instance_delete_command(CLI::App& app, Context& context) {
    auto name = std::make_shared<std::string>();
    app.add_option("name", *name, "Instance name")->required();
    app.callback([&context, name] { open_instances(context).remove(*name); });
}

} // namespace ops
