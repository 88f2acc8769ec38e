// paths.h: where ops keeps its state. The layout matches the established ops (ops-cli.md 3.1):
// $OPS_HOME/.ops when OPS_HOME is set, else ~/.ops; images in images/<name>.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ops {

class Environment;

class StorePaths {
public:
    // Resolves the home from OPS_HOME, then HOME, then the password database. Throws ops::Error
    // when none gives a directory. Creates nothing.
    static StorePaths from_environment(const Environment& environment);
    explicit StorePaths(std::filesystem::path root) : m_root(std::move(root)) {}

    const std::filesystem::path& root() const { return m_root; }  // .../.ops
    std::filesystem::path images() const { return m_root / "images"; }
    std::filesystem::path image(std::string_view name) const { return images() / name; }

    // Creates images/ (and the root) if missing. Throws ops::Error.
    std::filesystem::path ensure_images() const;

private:
    std::filesystem::path m_root;
};

// The image name for a program or an -i value: its basename cut at the first '.', as the
// established ops does ("-i web.img" and "ops run ./web" both give "web"). Throws ops::Error when
// nothing usable is left.
std::string image_name_from(std::string_view name_or_path);

// Creates `directory` and its parents (mode 0755 minus umask). Throws ops::Error.
void ensure_directory(const std::filesystem::path& directory);

} // namespace ops
