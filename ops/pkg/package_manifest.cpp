// package_manifest.cpp: package.manifest through the config.json decoder, and the program check.
#include "ops/pkg/package_manifest.h"

#include "ops/base/error.h"
#include "ops/config/config_file.h"
#include "ops/config/json_reader.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace ops {

namespace {

// Reads the manifest text, or says in `problem` why it cannot.
bool read_text(const std::filesystem::path& path, std::string* text, std::string* problem) {
    std::error_code error;
    auto size = std::filesystem::file_size(path, error);
    if (error) {
        *problem = "no " + std::string(kPackageManifestName);
        return false;
    }
    if (size > json::kMaxInputBytes) {
        *problem = path.string() + " is larger than 16 MiB";
        return false;
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        *problem = "cannot read " + path.string() + ": " + std::strerror(errno);
        return false;
    }
    std::ostringstream contents;
    contents << file.rdbuf();
    *text = contents.str();
    return true;
}

std::string lowercase(std::string_view text) {
    std::string result(text);
    for (char& c : result)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return result;
}

PackageMetadata metadata_of(const json::Value& root) {
    PackageMetadata metadata;
    if (root.kind != json::Value::Kind::Object)
        return metadata;
    for (const json::Member& member : root.members) {
        if (member.value.kind != json::Value::Kind::String)
            continue;
        std::string key = lowercase(member.key);
        if (key == "version")
            metadata.version = member.value.text;
        else if (key == "language")
            metadata.language = member.value.text;
        else if (key == "description")
            metadata.description = member.value.text;
    }
    return metadata;
}

bool is_package_file(const std::filesystem::path& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0 &&
           S_ISREG(st.st_mode); // never a symlink out of the package
}

} // namespace

PackageMetadata read_package_metadata(const std::filesystem::path& package_dir,
                                      std::string* problem) {
    std::string text, why;
    if (!read_text(package_dir / kPackageManifestName, &text, &why)) {
        if (problem)
            *problem = why;
        return {};
    }
    try {
        return metadata_of(json::parse(text));
    } catch (const json::SyntaxError& e) {
        if (problem)
            *problem = "invalid JSON in " + std::string(kPackageManifestName) + " at line " +
                       std::to_string(e.position.line) + ", column " +
                       std::to_string(e.position.column);
        return {};
    }
}

PackageManifest read_package_manifest(const std::filesystem::path& package_dir,
                                      const std::string& shown_as) {
    std::filesystem::path path = package_dir / kPackageManifestName;
    std::filesystem::path shown =
        (shown_as.empty() ? package_dir : std::filesystem::path(shown_as)) / kPackageManifestName;
    std::string text, problem;
    if (!read_text(path, &text, &problem))
        throw Error("the package " + shown.parent_path().string() + " has " + problem,
                    "a package directory needs a package.manifest with at least Program "
                    "(docs/packages.md)");

    PackageManifest manifest;
    manifest.config = decode_config(text, path.string()); // strict: throws with line:column
    manifest.metadata = metadata_of(json::parse(text));   // parses: the decoder accepted it

    const std::string& program = manifest.config.program;
    if (program.empty())
        throw Error(shown.string() + ": Program is missing",
                    "set \"Program\" to the program's path inside the package");
    std::filesystem::path relative = std::filesystem::path(program).lexically_normal();
    bool escapes = relative.is_absolute() || relative.empty();
    for (const auto& part : relative)
        if (part == "..")
            escapes = true;
    if (escapes)
        throw Error(shown.string() + ": Program \"" + program +
                        "\" must be a relative path inside the package",
                    "write it like \"Program\": \"" + package_dir.filename().string() + "/myapp\"");

    // "<package dir>/<file>": relative to the directory that holds the package.
    if (is_package_file(package_dir.parent_path() / relative) &&
        *relative.begin() == package_dir.filename()) {
        manifest.program = relative.string();
        manifest.program_base = package_dir.parent_path();
        return manifest;
    }
    // "<file>": relative to the package itself.
    if (is_package_file(package_dir / relative)) {
        manifest.program = relative.string();
        manifest.program_base = package_dir;
        return manifest;
    }
    // "<other dir>/<file>": a package that was renamed when it was added.
    auto first = relative.begin();
    std::filesystem::path rest;
    for (auto it = std::next(first); it != relative.end(); ++it)
        rest /= *it;
    if (!rest.empty() && is_package_file(package_dir / rest)) {
        manifest.program = (package_dir.filename() / rest).string();
        manifest.program_base = package_dir.parent_path();
        return manifest;
    }
    throw Error(shown.string() + ": the Program \"" + program + "\" is not a file in the package",
                "put the program in " + shown.parent_path().string() + " or fix Program");
}

} // namespace ops
