// from_run.cpp: copying a run's program, libraries and files into a new local package.
#include "ops/pkg/from_run.h"

#include "ops/base/error.h"
#include "ops/image/build.h"
#include "ops/image/dependencies.h"
#include "ops/image/elf_check.h"
#include "ops/image/image_tree.h"
#include "ops/image/root_fs.h"
#include "ops/pkg/package_manifest.h"
#include "ops/pkg/staging_directory.h"
#include "ops/store/atomic_file.h"

#include <fnmatch.h>
#include <nlohmann/json.hpp>

namespace ops {

namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

enum class TopSymlink { keep, follow };

[[noreturn]] void fail_copy(const fs::path& from, const fs::path& to,
                            const std::error_code& error) {
    throw Error("cannot copy " + from.string() + " to " + to.string() + ": " + error.message(),
                "check that it is readable and that ~/.ops has free space");
}

// `to` below the sysroot, for an absolute image path.
fs::path in_sysroot(const fs::path& sysroot, const std::string& image) {
    return sysroot / fs::path(image_path(image)).relative_path();
}

void make_parent(const fs::path& to) {
    std::error_code error;
    fs::create_directories(to.parent_path(), error);
    if (error)
        fail_copy(to.parent_path(), to, error);
}

// Copies a host file, directory (recursively, symlinks inside kept as links) or symlink to
// `to`, replacing a file or link already there (later entries win, as in the image).
void copy_host_entry(const fs::path& from, const fs::path& to, TopSymlink top) {
    std::error_code error;
    fs::file_status status =
        top == TopSymlink::follow ? fs::status(from, error) : fs::symlink_status(from, error);
    if (error)
        fail_copy(from, to, error);
    make_parent(to);
    fs::file_status existing = fs::symlink_status(to, error);
    if (fs::exists(existing) && !(fs::is_directory(existing) && fs::is_directory(status)))
        fs::remove_all(to, error);
    switch (status.type()) {
    case fs::file_type::symlink: {
        fs::path target = fs::read_symlink(from, error);
        if (!error)
            fs::create_symlink(target, to, error);
        break;
    }
    case fs::file_type::directory: {
        fs::create_directories(to, error);
        if (error)
            fail_copy(from, to, error);
        for (fs::directory_iterator it(from, error), end; !error && it != end; it.increment(error))
            copy_host_entry(it->path(), to / it->path().filename(), TopSymlink::keep);
        break;
    }
    case fs::file_type::regular:
        fs::copy_file(from, to, fs::copy_options::overwrite_existing, error);
        break;
    default:
        break; // sockets, FIFOs, devices: nothing a TFS can hold
    }
    if (error)
        fail_copy(from, to, error);
}

void require(const fs::path& host, const std::string& entry, const char* field) {
    std::error_code error;
    if (!fs::exists(fs::symlink_status(host, error)))
        throw Error(std::string("the entry \"") + entry + "\" in " + field +
                        " does not exist (looked for " + host.string() + ")",
                    std::string("fix the path in ") + field);
}

// MapDirs with a glob in the last component: every match below the directory, at any depth,
// at the same relative place under the destination (root_fs.cpp does the same in the image).
void copy_matches(const fs::path& directory, const std::string& pattern, const fs::path& to) {
    std::error_code error;
    for (fs::directory_iterator it(directory, error), end; !error && it != end;
         it.increment(error)) {
        std::string name = it->path().filename().string();
        if (::fnmatch(pattern.c_str(), name.c_str(), 0) == 0)
            copy_host_entry(it->path(), to / name, TopSymlink::keep);
        else if (std::error_code type_error;
                 it->symlink_status(type_error).type() == fs::file_type::directory)
            copy_matches(it->path(), pattern, to / name);
    }
    if (error)
        throw Error("cannot read " + directory.string() + ": " + error.message(),
                    "check its permissions");
}

void copy_config_files(const Config& config, const fs::path& sysroot) {
    for (const std::string& entry : config.files) {
        fs::path host = host_path_of(config, entry);
        require(host, entry, "Files");
        copy_host_entry(host, in_sysroot(sysroot, entry), TopSymlink::keep);
    }
    for (const auto& [source, destination] : config.map_dirs) {
        fs::path host = host_path_of(config, source);
        fs::path to = in_sysroot(sysroot, destination);
        std::string pattern = host.filename().string();
        if (pattern.find_first_of("*?[") == std::string::npos) {
            require(host, source, "MapDirs");
            std::error_code error;
            if (fs::is_directory(fs::status(host, error)))
                copy_host_entry(host, to, TopSymlink::follow);
            else
                copy_host_entry(host, to / pattern, TopSymlink::keep);
            continue;
        }
        require(host.parent_path(), source, "MapDirs");
        copy_matches(host.parent_path(), pattern, to);
    }
    for (const std::string& entry : config.dirs) {
        fs::path host = host_path_of(config, entry);
        require(host, entry, "Dirs");
        copy_host_entry(host, in_sysroot(sysroot, entry), TopSymlink::follow);
    }
}

Json manifest_json(const ManifestValue& value) {
    switch (value.kind) {
    case ManifestValue::Kind::String:
        return value.string;
    case ManifestValue::Kind::Vector: {
        Json array = Json::array();
        for (const ManifestValue& item : value.vector)
            array.push_back(manifest_json(item));
        return array;
    }
    case ManifestValue::Kind::Tuple: {
        Json object = Json::object();
        for (const auto& [key, item] : value.tuple)
            object[key] = manifest_json(item);
        return object;
    }
    }
    return nullptr;
}

std::string manifest_text(const Config& config, const std::string& program,
                          const std::string& version, const std::string& from) {
    Json manifest = Json::object();
    manifest["Program"] = program;
    manifest["Args"] = config.args;
    if (!config.env.empty())
        manifest["Env"] = config.env;
    manifest["Version"] = version;
    manifest["Description"] = "made by ops pkg from-run from " + from;
    if (!config.name_servers.empty())
        manifest["NameServers"] = config.name_servers;
    if (config.base_volume_bytes)
        manifest["BaseVolumeSz"] = std::to_string(*config.base_volume_bytes);
    if (!config.manifest_passthrough.empty()) {
        Json passthrough = Json::object();
        for (const auto& [key, value] : config.manifest_passthrough)
            passthrough[key] = manifest_json(value);
        manifest["ManifestPassthrough"] = passthrough;
    }
    if (!config.debug_flags.empty())
        manifest["Debugflags"] = config.debug_flags;
    if (!config.no_trace.empty())
        manifest["NoTrace"] = config.no_trace;
    if (config.reboot_on_exit)
        manifest["RebootOnExit"] = true;
    if (!config.mounts.empty())
        manifest["Mounts"] = config.mounts;
    return manifest.dump(2) + "\n";
}

} // namespace

PackageInfo create_package_from_run(const PackageStore& store, const FromRunRequest& request) {
    const Config& config = request.config;
    if (!valid_package_name(request.name))
        throw Error("invalid package name \"" + request.name + "\"",
                    "use letters, digits, '.', '_', '+', '-', e.g. --name myapp");
    if (!valid_package_version(request.version))
        throw Error("invalid package version \"" + request.version + "\"",
                    "use letters, digits, '.', '+', '-', e.g. --version 1.0");
    if (config.program.empty())
        throw Error("no program to package", "give the ELF: ops pkg from-run ./myapp --name myapp "
                                             "--version 1.0");
    fs::path program_host = program_host_path(config);
    std::error_code error;
    if (!fs::is_regular_file(program_host, error))
        throw Error("the program " + config.program + " does not exist or is not a file",
                    "check the path (relative paths start from the current directory)");
    check_program_elf(program_host, config.program);

    std::string directory = package_directory_name(request.name, request.version);
    std::string file = fs::path(config.program).filename().string();
    if (file == kPackageManifestName || file == kPackageSysrootName || file == kPackageReadmeName)
        throw Error("the program cannot be called " + file + " inside a package",
                    "rename the program");
    std::string program = directory + "/" + file;
    fs::path target = store.local_root() / directory;
    if (fs::exists(fs::symlink_status(target, error)))
        throw Error("the local package " + request.name + ":" + request.version +
                        " already exists (" + target.string() + ")",
                    "delete it first with ops pkg delete " + request.name + ":" + request.version +
                        " -l, or pick another version");

    StagingDirectory staging(store.local_root(), "from-run");
    fs::path sysroot = staging.path() / kPackageSysrootName;
    fs::create_directory(sysroot, error);
    if (error)
        fail_copy(program_host, sysroot, error);
    copy_host_entry(program_host, staging.path() / file, TopSymlink::follow);

    // The libraries, found as `ops run` finds them, with $ORIGIN at the program's image path.
    Dependencies dependencies = resolve_dependencies(DependencyRequest{
        program_host, image_path(program), Sysroot(config.target_root), config.env});
    for (const ImageEntry& entry : dependencies.entries) {
        fs::path to = in_sysroot(sysroot, entry.image_path);
        if (entry.is_symlink()) {
            make_parent(to);
            fs::remove(to, error);
            fs::create_symlink(entry.link_target, to, error);
            if (error)
                fail_copy(entry.host_path, to, error);
        } else {
            copy_host_entry(entry.host_path, to, TopSymlink::follow);
        }
    }
    // ld.so's search path, so the libraries are found below the sysroot at load time too.
    Sysroot root(config.target_root);
    for (const char* path : {"/etc/ld.so.conf", "/etc/ld.so.conf.d"}) {
        fs::path host = root.host_path(path);
        if (!host.empty() && fs::exists(fs::status(host, error)))
            copy_host_entry(host, in_sysroot(sysroot, path), TopSymlink::follow);
    }
    copy_config_files(config, sysroot);

    write_file_atomically(staging.path() / kPackageManifestName,
                          manifest_text(config, program, request.version, file));
    // The package must load: read it back the way `ops pkg load` will.
    PackageManifest manifest = read_package_manifest(staging.path());
    (void)manifest;

    staging.commit(staging.path(), target,
                   "the local package " + request.name + ":" + request.version);
    PackageInfo info;
    info.name = request.name;
    info.version = request.version;
    info.description = "made by ops pkg from-run from " + file;
    info.path = target;
    return info;
}

} // namespace ops
