// commands.cpp: the command tree.
#include "ops/cli/commands.h"

#include <CLI/CLI.hpp>

namespace ops {

void build_command_tree(CLI::App& app, Context& context) {
    app.require_subcommand(1);
    app.fallthrough(false);
    add_run_command(*app.add_subcommand("run", "Build an image from an ELF and boot it in QEMU"),
                    context);
    add_build_command(*app.add_subcommand("build", "Build an image from an ELF"), context);
    add_version_command(*app.add_subcommand("version", "Print the ops version"), context);
}

} // namespace ops
