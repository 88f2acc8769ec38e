// pkg/describe.cpp: `ops pkg describe <package> [-l]`: the package's README.md, after a line
// naming the package; one clear line when it has none.
#include "ops/base/error.h"
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/pkg/pkg_options.h"
#include "ops/pkg/package_manifest.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <memory>

namespace ops {

namespace {

// A README longer than this is not meant for a terminal; the rest is left out with a note.
constexpr std::size_t kMaxReadmeBytes = 1 << 20;

struct DescribeCommand {
    std::string package;
    bool local = false;
};

void describe(Context& context, const DescribeCommand& command) {
    PackageInfo package = find_package(context, command.package, command.local);
    std::filesystem::path readme = package.path / kPackageReadmeName;
    std::error_code error;
    if (!std::filesystem::is_regular_file(readme, error)) {
        std::printf("the package %s has no %s (see its files with ops pkg contents %s%s)\n",
                    package.reference().c_str(), kPackageReadmeName, command.package.c_str(),
                    command.local ? " -l" : "");
        return;
    }
    std::ifstream file(readme, std::ios::binary);
    if (!file)
        throw Error("cannot read " + readme.string(), "check its permissions");
    std::string text(kMaxReadmeBytes, '\0');
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(file.gcount()));
    std::printf("Information for %s package:\n", package.reference().c_str());
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (!text.empty() && text.back() != '\n')
        std::printf("\n");
    if (text.size() == kMaxReadmeBytes && file.peek() != EOF)
        std::printf("[README.md is longer than 1 MiB; the rest is in %s]\n", readme.c_str());
}

} // namespace

void add_pkg_describe_command(CLI::App& app, Context& context) {
    auto command = std::make_shared<DescribeCommand>();
    app.add_option("package", command->package, "The package: name:version or name")->required();
    add_local_flag(app, command->local);
    app.footer("Example:\n  ops pkg describe myapp:1.0 -l");
    app.callback([&context, command] { describe(context, *command); });
}

} // namespace ops
