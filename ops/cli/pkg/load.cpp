// pkg/load.cpp: `ops pkg load <package> [-l] [run flags]`: merge the package with -c and the
// flags, build the image and boot it exactly as `ops run` does (run_config).
#include "ops/pkg/load.h"
#include "ops/cli/commands.h"
#include "ops/cli/common_options.h"
#include "ops/cli/context.h"
#include "ops/cli/pkg/pkg_options.h"
#include "ops/cli/run.h"

#include <CLI/CLI.hpp>
#include <memory>

namespace ops {

namespace {
struct LoadCommand {
    std::string package;
    bool local = false;
    BuildFlags build;
    RunFlags run;
};
} // namespace

void add_pkg_load_command(CLI::App& app, Context& context) {
    auto command = std::make_shared<LoadCommand>();
    app.add_option("package", command->package, "The package: name:version, name or name:latest")
        ->required();
    add_local_flag(app, command->local);
    add_build_flags(app, command->build);
    app.remove_option(app.get_option("elf")); // the program comes from the package
    app.get_option("-a")->description(
        "Program argument, after the package's Args (repeat for more)");
    add_run_flags(app, command->run);
    app.footer("The package's Args come before -a; -e, -c Files/Dirs/MapDirs/Env add to the "
               "package's.\nExample:\n  ops pkg load myapp:1.0 -l\n"
               "  ops pkg load myapp -l -a --verbose -e DEBUG=1 -m 512M");
    app.callback([&context, command] {
        Config user = resolve_config(command->build, &command->run);
        LoadedPackage loaded =
            load_package(package_store(context), parse_package_ref(command->package),
                         command->local ? PackageSource::local : PackageSource::downloaded, user);
        std::filesystem::path program_base = loaded.program_base;
        run_config(context, loaded.config, command->run.skip_build,
                   [program_base](const BuildRequest& request) {
                       build_package_image(request, program_base);
                   });
    });
}

} // namespace ops
