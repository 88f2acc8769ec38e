// commands.h: every ops command. Each command lives in ops/cli/<command>.cpp, fills a typed
// request and calls the library function of the same name.
#pragma once

namespace CLI {
class App;
}

namespace ops {

struct Context;

void add_run_command(CLI::App& app, Context& context);
void add_build_command(CLI::App& app, Context& context);
void add_version_command(CLI::App& app, Context& context);

// Builds the whole command tree on `app` (the one place that lists the commands).
void build_command_tree(CLI::App& app, Context& context);

} // namespace ops
