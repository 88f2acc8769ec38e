// paths.cpp: ~/.ops resolution and image names.
#include "ops/store/paths.h"

#include "ops/base/environment.h"
#include "ops/base/error.h"

#include <pwd.h>
#include <unistd.h>

namespace ops {

StorePaths StorePaths::from_environment(const Environment& environment) {
    if (auto home = environment.get("OPS_HOME"); home && !home->empty())
        return StorePaths(std::filesystem::path(*home) / ".ops");
    if (auto home = environment.get("HOME"); home && !home->empty())
        return StorePaths(std::filesystem::path(*home) / ".ops");
    if (const passwd* entry = ::getpwuid(::getuid()); entry && entry->pw_dir && *entry->pw_dir)
        return StorePaths(std::filesystem::path(entry->pw_dir) / ".ops");
    throw Error("cannot find a home directory for ~/.ops", "set OPS_HOME or HOME");
}

std::filesystem::path StorePaths::ensure_images() const {
    ensure_directory(images());
    return images();
}

void ensure_directory(const std::filesystem::path& directory) {
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error)
        throw Error("cannot create " + directory.string() + ": " + error.message(),
                    "check permissions, or set OPS_HOME to a writable directory");
}

std::string image_name_from(std::string_view name_or_path) {
    std::string base = std::filesystem::path(name_or_path).filename().string();
    std::string name = base.substr(0, base.find('.'));
    if (name.empty())
        throw Error("cannot derive an image name from \"" + std::string(name_or_path) + "\"",
                    "pass a name with -i/--imagename, e.g. -i myapp");
    return name;
}

} // namespace ops
