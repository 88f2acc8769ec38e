// root_fs.cpp: Config -> the root file system's tree (manifest.md 9.1, 9.3).
#include "ops/image/root_fs.h"

#include "ops/base/error.h"
#include "ops/image/dependencies.h"
#include "ops/image/manifest_keys.h"

#include <fnmatch.h>
#include <system_error>

namespace ops {

namespace {

std::string base_directory(const Config& config) {
    return config.local_files_parent_directory.empty()
               ? std::string("the current directory")
               : config.local_files_parent_directory.string();
}

// `name` inside the image directory `directory`.
std::string join(const std::string& directory, const std::string& name) {
    return directory == "/" ? "/" + name : directory + "/" + name;
}

std::filesystem::file_status existing(const std::filesystem::path& host, const std::string& entry,
                                      const char* field, const Config& config) {
    std::error_code error;
    auto status = std::filesystem::status(host, error);
    if (!std::filesystem::exists(status)) {
        // A dangling symlink is still something to ship when it is kept as a link.
        auto link = std::filesystem::symlink_status(host, error);
        if (std::filesystem::is_symlink(link))
            return link;
        throw Error(std::string("the entry \"") + entry + "\" in " + field +
                        " does not exist (looked for " + host.string() + ")",
                    std::string("fix the path in ") + field + "; relative paths start from " +
                        base_directory(config));
    }
    return status;
}

void add_files(ImageTree& tree, const Config& config) {
    for (const std::string& entry : config.files) {
        std::filesystem::path host = host_path_of(config, entry);
        existing(host, entry, "Files", config);
        tree.add_host_entry(image_path(entry), host);
    }
}

void add_dirs(ImageTree& tree, const Config& config) {
    for (const std::string& entry : config.dirs) {
        std::filesystem::path host = host_path_of(config, entry);
        if (!std::filesystem::is_directory(existing(host, entry, "Dirs", config)))
            throw Error("the entry \"" + entry + "\" in Dirs is not a directory (" + host.string() +
                            ")",
                        "list single files in Files instead");
        tree.add_host_entry(image_path(entry), host, ImageTree::TopSymlink::follow);
    }
}

// Walks `directory` (relative image path `relative` below the destination) and adds every entry
// whose name matches `pattern`, at any depth, at destination/relative/name. A matching directory
// is copied whole. This is the established ops's filepath.Walk + filepath.Match, without its
// mishandling of matching directories.
void add_matches(ImageTree& tree, const std::filesystem::path& directory,
                 const std::string& pattern, const std::string& destination) {
    std::error_code error;
    std::filesystem::directory_iterator it(directory, error);
    if (error)
        throw Error("cannot read " + directory.string() + ": " + error.message(),
                    "check its permissions");
    for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
        std::string name = it->path().filename().string();
        std::string target = join(destination, name);
        if (::fnmatch(pattern.c_str(), name.c_str(), 0) == 0) {
            tree.add_host_entry(target, it->path());
        } else {
            std::error_code type_error;
            if (it->symlink_status(type_error).type() == std::filesystem::file_type::directory)
                add_matches(tree, it->path(), pattern, target);
        }
    }
    if (error)
        throw Error("cannot read " + directory.string() + ": " + error.message(),
                    "check its permissions");
}

void add_map_dirs(ImageTree& tree, const Config& config) {
    for (const auto& [source, destination_entry] : config.map_dirs) {
        std::filesystem::path host = host_path_of(config, source);
        std::string destination = image_path(destination_entry);
        std::string pattern = host.filename().string();
        if (pattern.find_first_of("*?[") == std::string::npos) {
            // No glob: a directory maps its contents onto the destination, a file goes into it.
            auto status = existing(host, source, "MapDirs", config);
            if (std::filesystem::is_directory(status))
                tree.add_host_entry(destination, host, ImageTree::TopSymlink::follow);
            else
                tree.add_host_entry(join(destination, pattern), host);
            continue;
        }
        std::filesystem::path directory = host.parent_path();
        std::error_code error;
        if (!std::filesystem::is_directory(directory, error))
            throw Error("the directory of the MapDirs pattern \"" + source +
                            "\" does not exist (looked for " + directory.string() + ")",
                        "fix the path in MapDirs; relative paths start from " +
                            base_directory(config));
        tree.directory(destination);
        add_matches(tree, directory, pattern, destination);
    }
}

} // namespace

bool add_dependencies(ImageTree& tree, const Config& config,
                      const std::filesystem::path& program_host, const std::string& program) {
    Dependencies dependencies = resolve_dependencies(
        DependencyRequest{program_host, program, Sysroot(config.target_root), config.env});
    for (const ImageEntry& entry : dependencies.entries) {
        if (entry.is_symlink())
            tree.add_link(entry.image_path, entry.link_target);
        else
            tree.add_host_file(entry.image_path, entry.host_path);
    }
    return dependencies.glibc;
}

std::filesystem::path host_path_of(const Config& config, const std::string& entry) {
    std::filesystem::path path = entry;
    if (path.is_absolute())
        return config.target_root.empty()
                   ? path
                   : std::filesystem::path(config.target_root) / path.relative_path();
    return config.local_files_parent_directory.empty() ? path
                                                       : config.local_files_parent_directory / path;
}

std::string resolv_conf(const Config& config) {
    std::vector<std::string> servers = config.name_servers;
    if (servers.empty())
        servers.push_back(kDefaultNameServer);
    std::string text;
    // Two spaces, as the established ops writes it (manifest.md 9.2); resolvers split on any
    // whitespace.
    for (const std::string& server : servers)
        text += "nameserver  " + server + "\n";
    return text;
}

void collect_root_fs(ImageTree& tree, const Config& config,
                     const std::filesystem::path& program_host, const std::string& image_name) {
    std::string program = image_path(config.program);
    tree.add_host_file(program, program_host);
    bool glibc = add_dependencies(tree, config, program_host, program);

    tree.add_text_file("/etc/resolv.conf", resolv_conf(config));
    tree.add_text_file("/proc/sys/kernel/hostname", kHostname);
    tree.add_text_file("/etc/passwd", kPasswd);
    if (glibc)
        tree.add_text_file("/etc/hostname", kHostname); // gethostname() of glibc reads it

    add_files(tree, config);
    add_map_dirs(tree, config);
    add_dirs(tree, config);

    set_manifest_keys(tree, config, program, image_name);
}

} // namespace ops
