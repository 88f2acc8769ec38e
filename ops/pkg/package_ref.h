// package_ref.h: how users name packages ("name", "name:1.2", "name:latest", "ns/name:1.2",
// and the directory form "name_1.2"), the characters names and versions may hold, and how
// versions are ordered. Finding the directory a reference names is package_store.cpp's job.
#pragma once

#include <string>
#include <string_view>

namespace ops {

struct PackageRef {
    std::string text; // as the user wrote it, for messages
    std::string ns;   // namespace of a downloaded package; empty: any
    std::string name;
    std::string version;         // empty: the highest version (":latest" is stored as empty)
    bool directory_form = false; // written "name_version" without ':' (may also be a plain name)
};

// Parses a reference. Throws ops::Error naming the bad part and the accepted forms.
PackageRef parse_package_ref(std::string_view text);

// A package name: 1 to 128 characters from [A-Za-z0-9._+-] (and '_'), starting with a letter or
// digit. Names end up as directory names, so '/' and ".." can never appear.
bool valid_package_name(std::string_view name);
// A version: 1 to 64 characters from [A-Za-z0-9.+-], starting with a letter or digit; no '_'
// (the directory "<name>_<version>" is split at its last '_').
bool valid_package_version(std::string_view version);

// "<name>_<version>": the package's directory name (ops-cli.md 6).
std::string package_directory_name(std::string_view name, std::string_view version);

// Orders versions the way people read them: a leading 'v' before a digit is ignored, runs of
// digits compare as numbers ("1.10" > "1.9"), other characters one by one, and a version that
// continues past the other's end is the higher one. Returns <0, 0 or >0.
int compare_versions(std::string_view a, std::string_view b);

} // namespace ops
