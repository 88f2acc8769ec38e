// load.h: `ops pkg load`: from a package reference and the user's config to the config that is
// built and run, and the image build that finds the program inside the package. Booting is
// run_config() (ops/cli/run.h), the same path as `ops run`.
#pragma once

#include "ops/config/config.h"
#include "ops/image/build.h"
#include "ops/pkg/package_store.h"

#include <filesystem>

namespace ops {

struct LoadedPackage {
    PackageInfo info;
    Config config;                      // merge_package_config() of the manifest and the user's
    std::filesystem::path program_base; // the directory Program is relative to
};

// Finds the package, reads its manifest strictly and merges it with `user`. Throws ops::Error.
LoadedPackage load_package(const PackageStore& store, const PackageRef& ref, PackageSource source,
                           const Config& user);

// build_image() with the working directory at `program_base` while it runs, so the relative
// Program ("lua_5.2.4/lua") names the file in the package and the image gets the same path.
// Every other path of the request is made absolute first. The working directory is restored
// before returning or throwing. Not thread-safe (the working directory is per process).
void build_package_image(const BuildRequest& request, const std::filesystem::path& program_base);

} // namespace ops
