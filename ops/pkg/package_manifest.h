// package_manifest.h: reading a package directory's package.manifest (ops-cli.md 6) with the
// strict config.json decoder, so a bad field is named with its line and column, plus the
// package metadata (Version, Language, Description) and where its program is.
#pragma once

#include "ops/config/config.h"

#include <filesystem>
#include <string>

namespace ops {

inline constexpr const char* kPackageManifestName = "package.manifest";
inline constexpr const char* kPackageSysrootName = "sysroot";
inline constexpr const char* kPackageReadmeName = "README.md";

struct PackageMetadata {
    std::string version;
    std::string language;
    std::string description;
};

struct PackageManifest {
    Config config; // the decoded manifest; local_files_parent_directory is left empty
    PackageMetadata metadata;
    // The program as the image names it (Program as written, e.g. "lua_5.2.4/lua"; renamed
    // packages get their directory name in front), and the host directory it is relative to.
    std::string program;
    std::filesystem::path program_base;
};

// The metadata fields only; tolerant (used for listings). Empty fields when the manifest cannot
// be read or parsed; `problem` then says why.
PackageMetadata read_package_metadata(const std::filesystem::path& package_dir,
                                      std::string* problem = nullptr);

// Reads and checks `package_dir`/package.manifest: it exists, decodes strictly, names a Program
// that is a relative path to a regular file inside the package. Program "<dir>/<file>" (the
// established form, relative to the directory holding the package) and "<file>" (relative to
// the package) are both accepted. Throws ops::Error: one line naming the file (with line and
// column for decoding errors) and the fix.
// `shown_as` names the package directory in messages (a temporary copy is shown as its source).
PackageManifest read_package_manifest(const std::filesystem::path& package_dir,
                                      const std::string& shown_as = "");

} // namespace ops
