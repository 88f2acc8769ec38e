// pkg_options.h: what the `ops pkg` commands share: the -l/--local flag and turning a package
// argument into the package it names.
#pragma once

#include "ops/pkg/package_store.h"

#include <string>

namespace CLI {
class App;
}

namespace ops {

struct Context;

// Adds -l/--local ("use a local package") bound to `local`.
void add_local_flag(CLI::App& command, bool& local);

// The store under $OPS_HOME/.ops or ~/.ops.
PackageStore package_store(const Context& context);

// The package `argument` names, local with -l, else among the downloaded ones. Throws
// ops::Error saying what exists.
PackageInfo find_package(const Context& context, const std::string& argument, bool local);

} // namespace ops
