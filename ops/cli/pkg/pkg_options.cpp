// pkg_options.cpp: the -l flag and package lookup shared by the `ops pkg` commands.
#include "ops/cli/pkg/pkg_options.h"

#include "ops/cli/context.h"
#include "ops/store/paths.h"

#include <CLI/CLI.hpp>

namespace ops {

void add_local_flag(CLI::App& command, bool& local) {
    command.add_flag("-l,--local", local,
                     "Use a local package (~/.ops/local_packages) instead of a downloaded one");
}

PackageStore package_store(const Context& context) {
    return PackageStore(StorePaths::from_environment(context.environment).root());
}

PackageInfo find_package(const Context& context, const std::string& argument, bool local) {
    return package_store(context).find(parse_package_ref(argument),
                                       local ? PackageSource::local : PackageSource::downloaded);
}

} // namespace ops
