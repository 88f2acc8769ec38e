// version.cpp: `ops version`.
#include "ops/cli/commands.h"
#include "ops/cli/context.h"

#include <CLI/CLI.hpp>
#include <cstdio>

namespace ops {

void add_version_command(CLI::App& app, Context&) {
    app.footer("Example:\n  ops version");
    app.callback([] { std::printf("Ops version: %s\n", OPS_VERSION); });
}

} // namespace ops
