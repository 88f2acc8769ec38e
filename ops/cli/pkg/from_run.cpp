// pkg/from_run.cpp: `ops pkg from-run <elf> --name N --version V [-c config] [-a ...] [-e ...]`.
#include "ops/pkg/from_run.h"
#include "ops/cli/commands.h"
#include "ops/cli/common_options.h"
#include "ops/cli/context.h"
#include "ops/cli/pkg/pkg_options.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

namespace ops {

namespace {
struct FromRunCommand {
    BuildFlags build;
    std::string name;
    std::string version;
};
} // namespace

void add_pkg_from_run_command(CLI::App& app, Context& context) {
    auto command = std::make_shared<FromRunCommand>();
    add_build_flags(app, command->build);
    app.remove_option(app.get_option("-i")); // a package has no image name
    app.get_option("elf")->required();
    app.add_option("-n,--name", command->name, "Package name")->required();
    app.add_option("--version", command->version, "Package version")->required();
    app.footer("Example:\n  ops pkg from-run ./myapp --name myapp --version 1.0 -c config.json\n"
               "  ops pkg load myapp:1.0 -l");
    app.callback([&context, command] {
        FromRunRequest request{resolve_config(command->build, nullptr), command->name,
                               command->version};
        PackageInfo package = create_package_from_run(package_store(context), request);
        std::printf("%s\n", package.reference().c_str());
    });
}

} // namespace ops
