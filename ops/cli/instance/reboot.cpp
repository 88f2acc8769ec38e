// reboot.cpp: `ops instance reboot <name>`: stop and start with a fresh QEMU (why not QMP
// system_reset: Instances::reboot in ops/instance/lifecycle.cpp).
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/instance/instance_options.h"

#include <CLI/CLI.hpp>
#include <memory>

namespace ops {

void add_instance_reboot_command(CLI::App& app, Context& context) {
    auto name = std::make_shared<std::string>();
    app.add_option("name", *name, "Instance name")->required();
    app.callback([&context, name] { open_instances(context).reboot(*name, instance_accel(context)); });
}

} // namespace ops
