// main.cpp: the one exit path of ops. Commands throw ops::Error or leave an exit status in the
// Context; only this file prints errors ("ops: <what>: <fix>") and picks exit statuses
// (docs/exit-status.md).
#include "ops/base/error.h"
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/image/kernel.h"

#include <CLI/CLI.hpp>
#include <cstdio>

int main(int argc, char** argv) {
    ops::Context context;
    context.executable_directory = ops::executable_directory();
    CLI::App app("ops: build unikernel images and run them in QEMU", "ops");
    try {
        ops::build_command_tree(app, context);
        app.parse(argc, argv);
        std::fflush(stdout);
        return context.exit_status;
    } catch (const CLI::ParseError& error) {
        if (error.get_exit_code() == 0)
            return app.exit(error);  // --help
        std::string where = "ops";
        for (auto* command : app.get_subcommands())
            where += " " + command->get_name();
        std::fprintf(stderr, "ops: %s: see '%s --help'\n", error.what(), where.c_str());
        return ops::kExitCliParse;
    } catch (const ops::Error& error) {
        std::fflush(stdout);
        std::fprintf(stderr, "ops: %s\n", error.message().c_str());
        return error.exit_status();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "ops: internal error: %s: please report this\n", error.what());
        return ops::kExitUsage;
    }
}
