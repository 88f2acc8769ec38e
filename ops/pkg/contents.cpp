// contents.cpp: walking a package directory.
#include "ops/pkg/contents.h"

#include "ops/base/error.h"

#include <algorithm>

namespace ops {

namespace {

void walk(const std::filesystem::path& directory, std::string prefix, // a copy: entries grows
          std::vector<PackageEntry>* entries) {
    std::error_code error;
    std::vector<std::filesystem::path> children;
    for (std::filesystem::directory_iterator it(directory, error), end; !error && it != end;
         it.increment(error))
        children.push_back(it->path());
    if (error)
        throw Error("cannot read " + directory.string() + ": " + error.message(),
                    "check its permissions");
    std::sort(children.begin(), children.end());
    for (const std::filesystem::path& child : children) {
        PackageEntry entry;
        entry.path = prefix + "/" + child.filename().string();
        auto status = std::filesystem::symlink_status(child, error);
        switch (status.type()) {
        case std::filesystem::file_type::directory:
            entry.type = PackageEntry::Type::directory;
            break;
        case std::filesystem::file_type::regular:
            entry.type = PackageEntry::Type::file;
            entry.size_bytes = std::filesystem::file_size(child, error);
            break;
        case std::filesystem::file_type::symlink:
            entry.type = PackageEntry::Type::symlink;
            entry.link_target = std::filesystem::read_symlink(child, error).string();
            break;
        default:
            entry.type = PackageEntry::Type::other;
            break;
        }
        bool recurse = entry.type == PackageEntry::Type::directory;
        entries->push_back(std::move(entry));
        if (recurse)
            walk(child, entries->back().path, entries);
    }
}

} // namespace

std::vector<PackageEntry> package_contents(const std::filesystem::path& package_dir) {
    std::vector<PackageEntry> entries;
    walk(package_dir, "", &entries);
    return entries;
}

const char* entry_type_name(PackageEntry::Type type) {
    switch (type) {
    case PackageEntry::Type::directory:
        return "directory";
    case PackageEntry::Type::file:
        return "file";
    case PackageEntry::Type::symlink:
        return "symlink";
    case PackageEntry::Type::other:
        return "other";
    }
    return "other";
}

} // namespace ops
