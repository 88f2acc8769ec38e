// package_store.h: the packages under ~/.ops (ops-cli.md 3.1): local ones in
// local_packages/<arch>/<name>_<version>/ and downloaded ones in
// packages/<arch>/<namespace>/<name>_<version>/. Listing, resolving a reference to a directory,
// deleting. ops is offline: nothing here touches the network. Creating packages is add.cpp and
// from_run.cpp.
#pragma once

#include "ops/pkg/package_ref.h"

#include <filesystem>
#include <string>
#include <vector>

namespace ops {

// The established tool's name for x86-64 (Go's GOARCH).
inline constexpr const char* kPackageArch = "amd64";

enum class PackageSource { local, downloaded };

struct PackageInfo {
    std::string ns; // namespace of a downloaded package; empty for local ones
    std::string name;
    std::string version;
    std::string language;
    std::string description;
    std::string problem; // why its package.manifest could not be read, for listings
    std::filesystem::path path;

    // "name:version" or "ns/name:version".
    std::string reference() const;
};

class PackageStore {
  public:
    // `ops_root` is StorePaths::root() (.../.ops).
    explicit PackageStore(std::filesystem::path ops_root) : m_root(std::move(ops_root)) {}

    std::filesystem::path local_root() const;      // local_packages/amd64
    std::filesystem::path downloaded_root() const; // packages/amd64

    // Every package directory ("<name>_<version>" with a valid name and version), sorted by
    // name then version. Temporaries (".tmp-*") are skipped; a missing directory is an empty
    // list. Throws ops::Error when a directory cannot be read.
    std::vector<PackageInfo> list(PackageSource source) const;

    // The package `ref` names: with a version, exactly that one; without, the highest version
    // ("name_1.0" is also accepted for "name:1.0"). Throws ops::Error with one line saying what
    // exists (the versions of that name, or the names there are) and how to get the package.
    PackageInfo find(const PackageRef& ref, PackageSource source) const;

    // Removes a local package: renamed to a temporary first, so it disappears at once even if
    // removing its files fails half way. Throws ops::Error.
    void remove(const PackageInfo& package) const;

  private:
    std::filesystem::path m_root;
};

// Splits "<name>_<version>" at its last '_'. False when either part is invalid.
bool split_package_directory(const std::string& directory, std::string* name, std::string* version);

} // namespace ops
