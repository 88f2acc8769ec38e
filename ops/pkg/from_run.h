// from_run.h: `ops pkg from-run`: turn what `ops run <elf> -c config.json` would boot into a
// local package: the program, the libraries it needs and the config's Files, Dirs and MapDirs
// copied into sysroot/, and the rest of the config written as package.manifest, so that
// `ops pkg load <name>:<version> -l` boots the same thing without the host files.
#pragma once

#include "ops/config/config.h"
#include "ops/pkg/package_store.h"

#include <string>

namespace ops {

struct FromRunRequest {
    Config config; // resolved as for `ops run` (the program, -c, -a, -e)
    std::string name;
    std::string version;
};

// Creates local_packages/<arch>/<name>_<version>/ with:
//   package.manifest  Program "<name>_<version>/<program file name>", Args, Env, NameServers,
//                     BaseVolumeSz, ManifestPassthrough, Debugflags, NoTrace, RebootOnExit,
//                     Mounts, Version, Description
//   <program file name>
//   sysroot/          the interpreter and libraries (dependencies.h), /etc/ld.so.conf*, and
//                     every Files, Dirs and MapDirs entry at its image path
// The package is assembled in a staging directory and renamed into place; on any error nothing
// is left behind and an existing package is not touched. Throws ops::Error. Blocks on file I/O.
PackageInfo create_package_from_run(const PackageStore& store, const FromRunRequest& request);

} // namespace ops
