// sysroot.h: image paths looked up on the host below a root directory (TargetRoot, or "/" for
// the host itself), with symlinks among the directories followed inside that root as the guest
// will see them, never out of it. Used by dependencies.cpp and ld_so_conf.cpp.
#pragma once

#include <filesystem>
#include <string>

namespace ops {

// Linux's MAXSYMLINKS: more links than this in one lookup is a loop (ELOOP).
inline constexpr int kMaxSymlinkHops = 40;

class Sysroot {
public:
    // An empty `root` or "/" is the host itself.
    explicit Sysroot(std::filesystem::path root = {});

    bool is_host() const { return m_root.empty(); }
    // "/" for the host.
    std::filesystem::path root() const { return is_host() ? "/" : m_root; }

    // Where the absolute image path `image` is on the host: below the root, with every symlink
    // among its directories resolved inside the root (an absolute link target starts again at
    // the root, ".." stops at it). The last component is left alone: it may be a symlink the
    // caller wants to keep, or not exist. Returns an empty path when the directory links loop
    // (more than kMaxSymlinkHops), which callers treat as not found. Blocks on lstat/readlink.
    std::filesystem::path host_path(const std::string& image) const;

    // The image path of `host`, a path that lies below root() (what glob() returned).
    std::string image_path_of(const std::filesystem::path& host) const;

private:
    std::filesystem::path m_root; // empty for the host
};

// `path` joined to the absolute image directory `directory` ("/" + "x" -> "/x") and cleaned
// lexically; an absolute `path` replaces the directory.
std::string join_image_path(const std::string& directory, const std::string& path);

// The directory of an absolute image path ("/a/b" -> "/a", "/a" -> "/").
std::string image_directory(const std::string& path);

} // namespace ops
