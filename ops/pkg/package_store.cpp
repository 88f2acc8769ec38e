// package_store.cpp: listing and resolving packages in ~/.ops.
#include "ops/pkg/package_store.h"

#include "ops/base/error.h"
#include "ops/pkg/package_manifest.h"

#include <algorithm>
#include <cstdlib>
#include <unistd.h>

namespace ops {

namespace {

bool is_temporary(const std::string& name) {
    return name.rfind(".tmp-", 0) == 0;
}

std::vector<std::filesystem::path> subdirectories(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> result;
    std::error_code error;
    if (!std::filesystem::is_directory(directory, error))
        return result;
    std::filesystem::directory_iterator it(directory, error);
    for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
        std::error_code type_error;
        if (it->is_directory(type_error) && !is_temporary(it->path().filename().string()))
            result.push_back(it->path());
    }
    if (error)
        throw Error("cannot read " + directory.string() + ": " + error.message(),
                    "check its permissions");
    return result;
}

void add_packages(const std::filesystem::path& directory, const std::string& ns,
                  std::vector<PackageInfo>* packages) {
    for (const std::filesystem::path& path : subdirectories(directory)) {
        PackageInfo info;
        if (!split_package_directory(path.filename().string(), &info.name, &info.version))
            continue;
        info.ns = ns;
        info.path = path;
        PackageMetadata metadata = read_package_metadata(path, &info.problem);
        info.language = metadata.language;
        info.description = metadata.description;
        packages->push_back(std::move(info));
    }
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const std::string& item : items)
        text += (text.empty() ? "" : ", ") + item;
    return text.empty() ? "none" : text;
}

} // namespace

std::string PackageInfo::reference() const {
    return (ns.empty() ? "" : ns + "/") + name + ":" + version;
}

bool split_package_directory(const std::string& directory, std::string* name,
                             std::string* version) {
    auto underscore = directory.rfind('_');
    if (underscore == std::string::npos)
        return false;
    *name = directory.substr(0, underscore);
    *version = directory.substr(underscore + 1);
    return valid_package_name(*name) && valid_package_version(*version);
}

std::filesystem::path PackageStore::local_root() const {
    return m_root / "local_packages" / kPackageArch;
}

std::filesystem::path PackageStore::downloaded_root() const {
    return m_root / "packages" / kPackageArch;
}

std::vector<PackageInfo> PackageStore::list(PackageSource source) const {
    std::vector<PackageInfo> packages;
    if (source == PackageSource::local) {
        add_packages(local_root(), "", &packages);
    } else {
        for (const std::filesystem::path& ns : subdirectories(downloaded_root()))
            if (valid_package_name(ns.filename().string()))
                add_packages(ns, ns.filename().string(), &packages);
    }
    std::sort(packages.begin(), packages.end(), [](const PackageInfo& a, const PackageInfo& b) {
        if (a.name != b.name)
            return a.name < b.name;
        if (a.ns != b.ns)
            return a.ns < b.ns;
        return compare_versions(a.version, b.version) < 0;
    });
    return packages;
}

PackageInfo PackageStore::find(const PackageRef& ref, PackageSource source) const {
    std::vector<PackageInfo> all = list(source);
    bool local = source == PackageSource::local;
    const char* flag = local ? " -l" : "";

    // "name_1.0" names that directory when there is one.
    if (ref.directory_form) {
        for (const PackageInfo& package : all)
            if (package.path.filename() == ref.name && (ref.ns.empty() || package.ns == ref.ns))
                return package;
    }
    std::vector<PackageInfo> named;
    for (const PackageInfo& package : all)
        if (package.name == ref.name && (ref.ns.empty() || package.ns == ref.ns))
            named.push_back(package);

    std::string where = local ? "local package" : "downloaded package";
    std::string place = local ? local_root().string() : downloaded_root().string();
    if (named.empty()) {
        std::vector<std::string> names;
        for (const PackageInfo& package : all)
            if (std::find(names.begin(), names.end(), package.reference()) == names.end())
                names.push_back(package.reference());
        std::string fix = local ? "add it with ops pkg add <dir|file.tar.gz> or ops pkg from-run; "
                                  "local packages: " +
                                      joined(names)
                                : "ops is offline and does not download packages; use -l for a "
                                  "local package; downloaded packages: " +
                                      joined(names);
        throw Error("no " + where + " named \"" + ref.text + "\" in " + place, fix);
    }
    std::vector<std::string> namespaces;
    for (const PackageInfo& package : named)
        if (std::find(namespaces.begin(), namespaces.end(), package.ns) == namespaces.end())
            namespaces.push_back(package.ns);
    if (namespaces.size() > 1)
        throw Error("the " + where + " name \"" + ref.name + "\" is in several namespaces (" +
                        joined(namespaces) + ")",
                    "say which one, e.g. " + namespaces.front() + "/" + ref.name);
    if (ref.version.empty())
        return named.back(); // sorted: the highest version
    for (const PackageInfo& package : named)
        if (package.version == ref.version)
            return package;
    std::vector<std::string> versions;
    for (const PackageInfo& package : named)
        versions.push_back(package.version);
    throw Error("the " + where + " " + ref.name + " has no version " + ref.version,
                "versions there are: " + joined(versions) + " (ops pkg list" + flag + ")");
}

void PackageStore::remove(const PackageInfo& package) const {
    std::filesystem::path doomed =
        package.path.parent_path() /
        (".tmp-delete-" + package.path.filename().string() + "-" + std::to_string(::getpid()));
    std::error_code error;
    std::filesystem::rename(package.path, doomed, error);
    if (error)
        throw Error("cannot delete " + package.path.string() + ": " + error.message(),
                    "check the permissions of " + package.path.parent_path().string());
    std::filesystem::remove_all(doomed, error);
    if (error)
        throw Error("the package is gone but its files could not all be removed from " +
                        doomed.string() + ": " + error.message(),
                    "remove that directory by hand");
}

} // namespace ops
