// logs.cpp: `ops instance logs <name> [-w]`: the instance's console; -w follows it until the
// instance stops.
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/instance/instance_options.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

namespace ops {

namespace {
struct LogsCommand {
    std::string name;
    bool watch = false;
};
} // namespace

void add_instance_logs_command(CLI::App& app, Context& context) {
    auto command = std::make_shared<LogsCommand>();
    app.add_option("name", command->name, "Instance name")->required();
    app.add_flag("-w,--watch", command->watch, "Keep printing new output until the instance stops");
    app.callback([&context, command] {
        open_instances(context).write_logs(
            command->name, command->watch ? Instances::Follow::Yes : Instances::Follow::No, stdout);
    });
}

} // namespace ops
