// pkg/contents.cpp: `ops pkg contents <package> [-l]`: the files of a package, one per line in
// the established tool's form ("Dir :/sysroot", "File :/lua"), or -j/--json.
#include "ops/pkg/contents.h"
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/output.h"
#include "ops/cli/pkg/pkg_options.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

namespace ops {

namespace {
struct ContentsCommand {
    std::string package;
    bool local = false;
};
} // namespace

void add_pkg_contents_command(CLI::App& app, Context& context) {
    auto command = std::make_shared<ContentsCommand>();
    app.add_option("package", command->package, "The package: name:version or name")->required();
    add_local_flag(app, command->local);
    app.footer("Example:\n  ops pkg contents myapp:1.0 -l\n  ops pkg contents myapp -l -j");
    app.callback([&context, command] {
        PackageInfo package = find_package(context, command->package, command->local);
        std::vector<PackageEntry> entries = package_contents(package.path);
        if (context.json) {
            nlohmann::json array = nlohmann::json::array();
            for (const PackageEntry& entry : entries) {
                nlohmann::json item = {{"path", entry.path},
                                       {"type", entry_type_name(entry.type)},
                                       {"size_bytes", entry.size_bytes}};
                if (entry.type == PackageEntry::Type::symlink)
                    item["link_target"] = entry.link_target;
                array.push_back(item);
            }
            print_json(array);
            return;
        }
        for (const PackageEntry& entry : entries) {
            switch (entry.type) {
            case PackageEntry::Type::directory:
                std::printf("Dir :%s\n", entry.path.c_str());
                break;
            case PackageEntry::Type::symlink:
                std::printf("Link :%s -> %s\n", entry.path.c_str(), entry.link_target.c_str());
                break;
            default:
                std::printf("File :%s\n", entry.path.c_str());
                break;
            }
        }
    });
}

} // namespace ops
