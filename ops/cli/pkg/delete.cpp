// pkg/delete.cpp: `ops pkg delete <package> -l`: only local packages can be deleted.
#include "ops/base/error.h"
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/pkg/pkg_options.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

namespace ops {

namespace {
struct DeleteCommand {
    std::string package;
    bool local = false;
};
} // namespace

void add_pkg_delete_command(CLI::App& app, Context& context) {
    auto command = std::make_shared<DeleteCommand>();
    app.add_option("package", command->package, "The package: name:version or name")->required();
    add_local_flag(app, command->local);
    app.footer("Example:\n  ops pkg delete myapp:1.0 -l");
    app.callback([&context, command] {
        if (!command->local)
            throw Error("only local packages can be deleted",
                        "add -l: ops pkg delete " + command->package + " -l");
        PackageStore store = package_store(context);
        PackageInfo package = store.find(parse_package_ref(command->package), PackageSource::local);
        store.remove(package);
        std::printf("deleted %s\n", package.reference().c_str());
    });
}

} // namespace ops
