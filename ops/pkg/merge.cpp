// merge.cpp: package.manifest + the user's config -> the config `ops pkg load` runs.
#include "ops/pkg/merge.h"

#include <algorithm>

namespace ops {

namespace {

template <typename T>
void append(std::vector<T>& to, const std::vector<T>& from) {
    to.insert(to.end(), from.begin(), from.end());
}

// A MapDirs source for host path `path`. Absolute sources are looked up below TargetRoot, which
// a package sets to its sysroot: name host paths relative to the base directory instead, which
// is never rebased (both sides canonical, so ".." steps out of the real directories).
std::string host_source(const std::filesystem::path& path, const std::filesystem::path& base) {
    std::error_code error;
    std::filesystem::path relative = std::filesystem::relative(path, base, error);
    return error || relative.empty() ? path.string() : relative.string();
}

} // namespace

Config merge_package_config(const PackageManifest& manifest, const Config& user,
                            const std::filesystem::path& package_dir) {
    const Config& package = manifest.config;
    Config merged = package;
    merged.program = manifest.program;
    merged.local_files_parent_directory = user.local_files_parent_directory;

    merged.args = package.args;
    append(merged.args, user.args);
    append(merged.files, user.files);
    append(merged.dirs, user.dirs);
    append(merged.no_trace, user.no_trace);
    for (const std::string& flag : user.debug_flags)
        merged.add_debug_flag(flag);
    append(merged.manifest_passthrough, user.manifest_passthrough);
    for (const auto& [key, value] : user.env)
        merged.env[key] = value;
    for (const auto& [key, value] : user.mounts)
        merged.mounts[key] = value;
    std::filesystem::path base = merged.local_files_parent_directory.empty()
                                     ? std::filesystem::current_path()
                                     : merged.local_files_parent_directory;
    merged.map_dirs.clear();
    // The package's relative MapDirs sources are its own files; the user's are host files.
    for (const auto& [source, destination] : package.map_dirs) {
        std::filesystem::path path = source;
        merged.map_dirs[path.is_absolute() ? source : host_source(package_dir / path, base)] =
            destination;
    }
    for (const auto& [source, destination] : user.map_dirs) {
        std::filesystem::path path = source;
        merged.map_dirs[path.is_absolute() ? host_source(path, base) : source] = destination;
    }

    if (user.base_volume_bytes)
        merged.base_volume_bytes = user.base_volume_bytes;
    if (!user.name_servers.empty())
        merged.name_servers = user.name_servers;
    if (!user.kernel.empty())
        merged.kernel = user.kernel;
    merged.reboot_on_exit = package.reboot_on_exit || user.reboot_on_exit;
    merged.run = user.run;

    std::filesystem::path sysroot = package_dir / kPackageSysrootName;
    std::error_code error;
    bool has_sysroot = std::filesystem::is_directory(sysroot, error);
    if (!user.target_root.empty())
        merged.target_root = user.target_root;
    else if (!package.target_root.empty())
        merged.target_root = std::filesystem::path(package.target_root).is_absolute()
                                 ? package.target_root
                                 : (package_dir / package.target_root).string();
    else if (has_sysroot)
        merged.target_root = sysroot.string();

    if (has_sysroot)
        merged.map_dirs[host_source(sysroot, base)] = "/";
    return merged;
}

} // namespace ops
