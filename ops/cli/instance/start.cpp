// start.cpp: `ops instance start <name>`: boot a stopped instance again from its record.
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/instance/instance_options.h"

#include <CLI/CLI.hpp>
#include <memory>

namespace ops {

void add_instance_start_command(CLI::App& app, Context& context) {
    auto name = std::make_shared<std::string>();
    app.add_option("name", *name, "Instance name")->required();
    app.callback([&context, name] { open_instances(context).start(*name, instance_accel(context)); });
}

} // namespace ops
