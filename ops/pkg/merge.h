// merge.h: the config `ops pkg load` builds and runs: a package's package.manifest merged with
// the user's config file and flags the way the established ops merges them (ops-cli.md 6):
// the package's Args come before the user's, Files and Dirs are concatenated, MapDirs and Env
// are merged with the user's values winning, and the VM settings are the user's.
#pragma once

#include "ops/config/config.h"
#include "ops/pkg/package_manifest.h"

#include <filesystem>

namespace ops {

// `user` is what resolve_config() made of -c and the flags (its Program is ignored; its
// local_files_parent_directory is the base of every relative Files/Dirs/MapDirs entry, the
// package's included). `package_dir` is the package's absolute directory. The result:
// - Program = manifest.program; Args = package Args + user Args;
// - Files, Dirs, Debugflags, NoTrace: package entries then the user's; ManifestPassthrough:
//   the package's keys then the user's (later keys win when the image is built);
// - Env, MapDirs, Mounts: merged, the user's value wins for the same key;
// - BaseVolumeSz, NameServers, Kernel: the user's when set, else the package's;
// - TargetRoot: the user's, else the package's (relative to the package), else the package's
//   sysroot/ so the program's libraries are found in the package rather than on the host;
// - RunConfig: the user's; RebootOnExit: either;
// - the package's sysroot/ is added as a MapDirs entry onto "/" (applied after Files, so the
//   package's own /etc files replace the generated ones).
// Absolute host paths of MapDirs are rewritten relative to the base directory, so the sysroot
// TargetRoot does not move them. Reads nothing but whether sysroot/ exists (and symlinks of
// the paths it relates).
Config merge_package_config(const PackageManifest& manifest, const Config& user,
                            const std::filesystem::path& package_dir);

} // namespace ops
