// add.cpp: staging, checking and naming a package that is added to the local store.
#include "ops/pkg/add.h"

#include "ops/base/error.h"
#include "ops/pkg/package_manifest.h"
#include "ops/pkg/staging_directory.h"
#include "ops/pkg/tar_extract.h"

#include <sys/stat.h>

namespace ops {

namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "lua_5.2.4.tar.gz" -> "lua_5.2.4"; a directory name as it is.
std::string stem(const std::filesystem::path& source) {
    std::string name = source.filename().string();
    for (const char* suffix : {".tar.gz", ".tgz"})
        if (ends_with(name, suffix))
            return name.substr(0, name.size() - std::string(suffix).size());
    return name;
}

// The package root inside the unpacked archive: the archive's one top directory when the
// manifest is not at the top (the established packages are "<name>_<version>/..." archives).
std::filesystem::path unpacked_root(const std::filesystem::path& unpacked, std::string* top) {
    std::error_code error;
    if (std::filesystem::exists(unpacked / kPackageManifestName, error))
        return unpacked;
    std::vector<std::filesystem::path> entries;
    for (std::filesystem::directory_iterator it(unpacked, error), end; !error && it != end;
         it.increment(error))
        entries.push_back(it->path());
    if (entries.size() == 1 &&
        std::filesystem::is_directory(std::filesystem::symlink_status(entries.front(), error))) {
        *top = entries.front().filename().string();
        return entries.front();
    }
    return unpacked;
}

void copy_tree(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::error_code error;
    std::filesystem::copy(from, to,
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::copy_symlinks,
                          error);
    if (error)
        throw Error("cannot copy " + from.string() + " into the package store: " + error.message(),
                    "check that every file in it is readable and that ~/.ops has free space");
}

} // namespace

PackageInfo add_package(const PackageStore& store, const AddRequest& request) {
    struct stat st;
    if (::stat(request.source.c_str(), &st) != 0)
        throw Error("the package " + request.source.string() + " does not exist",
                    "give a package directory or a .tar.gz");
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
        throw Error(request.source.string() + " is neither a directory nor a file",
                    "give a package directory or a .tar.gz");

    // Name and version given with --name are checked before any work is done.
    std::string name, version;
    if (!request.name.empty()) {
        PackageRef ref = parse_package_ref(request.name);
        if (!ref.ns.empty())
            throw Error("--name \"" + request.name + "\": local packages have no namespace",
                        "write it like --name myapp or --name myapp:1.0");
        name = ref.name;
        version = ref.version;
    }

    StagingDirectory staging(store.local_root(), "add");
    std::filesystem::path root = staging.path() / "package";
    std::string source_name = stem(request.source);
    if (S_ISDIR(st.st_mode)) {
        std::error_code error;
        std::filesystem::path real = std::filesystem::canonical(request.source, error);
        copy_tree(error ? request.source : real, root); // a symlink names what it points to
        source_name =
            std::filesystem::absolute(request.source).lexically_normal().filename().string();
        if (source_name.empty()) // "dir/"
            source_name =
                std::filesystem::absolute(request.source).parent_path().filename().string();
    } else {
        std::filesystem::create_directory(root);
        extract_tar_gz(request.source, root);
        std::string top;
        root = unpacked_root(root, &top);
        if (!top.empty())
            source_name = top;
    }

    // Messages name the source, not the staging copy.
    std::string shown = request.source.string();
    if (root.filename() != "package")
        shown += "/" + root.filename().string();
    PackageManifest manifest = read_package_manifest(root, shown);

    // Name and version from the source's name "<name>_<version>" when not given.
    std::string derived_name, derived_version;
    bool split = split_package_directory(source_name, &derived_name, &derived_version);
    if (name.empty())
        name = split ? derived_name : source_name;
    if (version.empty())
        version = manifest.metadata.version;
    if (version.empty() && split)
        version = derived_version;
    if (!valid_package_name(name))
        throw Error("cannot use \"" + name + "\" as a package name",
                    "give one with --name myapp:1.0 (letters, digits, '.', '_', '+', '-')");
    if (version.empty())
        throw Error("the package has no version (no Version in package.manifest, and the name \"" +
                        source_name + "\" does not end in _<version>)",
                    "give one with --name " + name + ":1.0 or set \"Version\" in package.manifest");
    if (!valid_package_version(version))
        throw Error("cannot use \"" + version + "\" as a package version",
                    "give one with --name " + name + ":1.0 (letters, digits, '.', '+', '-')");

    std::filesystem::path target = store.local_root() / package_directory_name(name, version);
    staging.commit(root, target, "the local package " + name + ":" + version);
    PackageInfo info;
    info.name = name;
    info.version = version;
    info.language = manifest.metadata.language;
    info.description = manifest.metadata.description;
    info.path = target;
    return info;
}

} // namespace ops
