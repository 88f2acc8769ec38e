// image_tree.h: the file tree of one TFS while it is being collected: host files, symlinks and
// directories, and generated texts, placed at absolute image paths in a tfs::Builder. It owns the
// file contents until the Builder has written them. What goes where (program, Files, Dirs, ...)
// is decided in root_fs.cpp; the manifest keys in manifest_keys.cpp.
#pragma once

#include "common/tfs/writer.h"
#include "ops/image/file_io.h"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ops {

// "/" + `path` cleaned lexically: "./hello" -> "/hello", "a//b/" -> "/a/b", "../x" -> "/x".
std::string image_path(std::string_view path);

// Turns a tfs::Error into an ops::Error saying what was being done. Returns on Error::none.
void check_tfs(tfs::Error error, const std::string& doing);

class ImageTree {
public:
    explicit ImageTree(common::Allocator& allocator) : m_builder(allocator) {}

    tfs::Builder& builder() { return m_builder; }
    // The root tuple (manifest + root directory). Throws ops::Error when out of memory.
    tfs::Value* root();

    // The directory at `path` (absolute image path), created with its parents as needed.
    tfs::Value* directory(const std::string& path);

    // A regular file at `path` with the bytes of host file `host` (symlinks followed).
    void add_host_file(const std::string& path, const std::filesystem::path& host);
    // Whether a symlink named directly by the user is copied as a link or as what it points to.
    // Symlinks found inside a copied directory are always kept as links.
    enum class TopSymlink { keep, follow };

    // Whatever `host` is: a symlink stays a symlink with the same target (unless `top` says to
    // follow it), a directory is copied recursively with its symlinks kept as links, a regular
    // file is added. Sockets, FIFOs and device nodes are skipped: a TFS cannot hold them.
    void add_host_entry(const std::string& path, const std::filesystem::path& host,
                        TopSymlink top = TopSymlink::keep);
    // A regular file at `path` holding `text`.
    void add_text_file(const std::string& path, std::string text);
    // A symlink at `path` pointing to `target` (stored as it is, resolved by the guest).
    void add_link(const std::string& path, const std::string& target);

    // After the Builder failed with Error::io: which file could not be read and why, or empty.
    std::string read_failure() const;

private:
    // Splits an absolute image path into its parent directory node and final name.
    tfs::Value* parent_of(const std::string& path, std::string* name);
    void add_host_directory(const std::string& path, const std::filesystem::path& host);
    void add_symlink(const std::string& path, const std::filesystem::path& host);

    tfs::Builder m_builder;
    std::vector<std::unique_ptr<HostFileContent>> m_host_files;
    std::vector<std::unique_ptr<TextContent>> m_texts;
};

} // namespace ops
