// add.h: `ops pkg add`: a package directory or .tar.gz copied into
// local_packages/<arch>/<name>_<version>/ after it has been checked, all or nothing.
#pragma once

#include "ops/pkg/package_store.h"

#include <filesystem>
#include <string>

namespace ops {

struct AddRequest {
    std::filesystem::path source; // a package directory or a .tar.gz
    // --name: "name" or "name:version". Empty: taken from the source's name ("lua_5.2.4",
    // "lua_5.2.4.tar.gz", or the archive's one top directory); the version, when not given,
    // is the manifest's Version, else the part after the last '_' of that name.
    std::string name;
};

// Copies or unpacks the source into a staging directory in the store, reads its
// package.manifest (read_package_manifest: strict, Program must be in the package), then
// renames it into place. Throws ops::Error with one line naming the problem; nothing is left
// in the store then, and an existing package of the same name and version is never replaced.
PackageInfo add_package(const PackageStore& store, const AddRequest& request);

} // namespace ops
