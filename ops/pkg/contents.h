// contents.h: the files of a package directory, for `ops pkg contents`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ops {

struct PackageEntry {
    enum class Type { directory, file, symlink, other };
    std::string path; // "/sysroot/lib/x.so", relative to the package, with a leading '/'
    Type type = Type::file;
    std::uint64_t size_bytes = 0; // regular files only
    std::string link_target;      // symlinks only
};

// Every entry below `package_dir`, depth first, names sorted within each directory; symlinks
// are listed, never followed. Throws ops::Error when a directory cannot be read.
std::vector<PackageEntry> package_contents(const std::filesystem::path& package_dir);

const char* entry_type_name(PackageEntry::Type type);

} // namespace ops
