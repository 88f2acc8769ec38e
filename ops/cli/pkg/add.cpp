// pkg/add.cpp: `ops pkg add <dir|file.tar.gz> [--name name[:version]]`.
#include "ops/pkg/add.h"
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/pkg/pkg_options.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

namespace ops {

void add_pkg_add_command(CLI::App& app, Context& context) {
    auto request = std::make_shared<AddRequest>();
    app.add_option("package", request->source, "A package directory or .tar.gz")->required();
    app.add_option("-n,--name", request->name,
                   "Package name, optionally with the version (default: from the directory or "
                   "archive name, version from package.manifest)")
        ->type_name("NAME[:VERSION]");
    app.footer("Example:\n  ops pkg add ./lua_5.2.4\n  ops pkg add lua.tar.gz --name lua:5.2.4\n"
               "  ops pkg load lua:5.2.4 -l");
    app.callback([&context, request] {
        PackageInfo package = add_package(package_store(context), *request);
        std::printf("%s\n", package.reference().c_str());
    });
}

} // namespace ops
