// stop.cpp: `ops instance stop <name>`: QMP quit, then SIGTERM, then SIGKILL, each bounded.
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/instance/instance_options.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

namespace ops {

void add_instance_stop_command(CLI::App& app, Context& context) {
    auto name = std::make_shared<std::string>();
    app.add_option("name", *name, "Instance name")->required();
    app.callback([&context, name] {
        if (!open_instances(context).stop(*name))
            std::fprintf(stderr, "ops: instance \"%s\" was not running\n", name->c_str());
    });
}

} // namespace ops
