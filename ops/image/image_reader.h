// image_reader.h: read-only access to one TFS inside a host file: the root (or boot) file system
// of a partitioned image, or a bare TFS volume (tfs.md 1). What `ops image ls/cat/cp/tree/env`
// and `ops volume ls/cat/cp` share; the TFS decoding is common/tfs, the MBR common/disk.
#pragma once

#include "common/tfs/filesystem.h"
#include "ops/image/host_allocator.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ops {

class Progress;

// Which file system of a partitioned image to open. A bare TFS has only one.
enum class ImagePart { root, boot };

enum class EntryType { directory, file, symlink, other };
const char* entry_type_name(EntryType type);  // "directory", "file", "symlink", "other"

struct EntryInfo {
    std::string name;  // last path component ("/" for the root)
    std::string path;  // absolute image path
    EntryType type = EntryType::other;
    std::uint64_t size_bytes = 0;  // file length; 0 for the others
    std::string link_target;       // symlinks only
};

// How a symlink named as the last path component is treated.
enum class FinalSymlink { keep, follow };

class ImageReader {
public:
    // Opens `file` read-only and mounts the file system. Sector 0 ending in 55 aa means a
    // partitioned image (the root FS runs to the end of the file, tfs.md 1.3); anything else is
    // tried as a bare TFS. Throws ops::Error "<file> is not a TFS image (...)" when neither
    // mounts, and when `part` is boot but the file is a bare TFS. Blocks on file reads;
    // allocates the whole tree.
    ImageReader(const std::filesystem::path& file, ImagePart part = ImagePart::root);
    ~ImageReader();
    ImageReader(const ImageReader&) = delete;
    ImageReader& operator=(const ImageReader&) = delete;

    const std::filesystem::path& file() const { return m_file; }
    bool partitioned() const { return m_partitioned; }
    std::uint64_t fs_offset() const { return m_fs_offset; }  // byte offset of the TFS in the file
    std::uint64_t fs_bytes() const { return m_fs_bytes; }
    const tfs::Filesystem& filesystem() const { return m_filesystem; }
    std::string label() const;
    std::string uuid() const;  // 8-4-4-4-12 lowercase hex, bytes as stored

    // The entry at `path` (absolute, or relative to the root), following symlinks in the middle
    // of the path and, if asked, at its end. Throws ops::Error naming the path and the image when
    // it does not exist or a symlink loop is met.
    EntryInfo stat(const std::string& path, FinalSymlink final = FinalSymlink::follow) const;
    // A directory's entries sorted by name, or the entry itself when `path` is not a directory.
    std::vector<EntryInfo> list(const std::string& path) const;
    // Every entry below `path` (itself first), depth first, names sorted; symlinks not followed.
    void walk(const std::string& path,
              const std::function<void(const EntryInfo&, unsigned depth)>& visit) const;

    // Streams a regular file (symlinks followed) to `sink` in pieces. Throws ops::Error when it is
    // not a file or cannot be read.
    void read(const std::string& path,
              const std::function<void(std::span<const std::uint8_t>)>& sink) const;
    std::string read_text(const std::string& path) const;

    // The manifest's `environment` as NAME, value pairs in stored order.
    std::vector<std::pair<std::string, std::string>> environment() const;

private:
    class FileSource;
    struct Resolved {
        const tfs::Value* node = nullptr;
        std::string path;  // the path after symlink splicing, normalised
    };
    Resolved resolve(const std::string& path, FinalSymlink final) const;
    EntryInfo info(const tfs::Value* node, const std::string& path) const;
    [[noreturn]] void fail_path(const std::string& path, const std::string& why) const;

    std::filesystem::path m_file;
    std::unique_ptr<FileSource> m_source;
    std::unique_ptr<tfs::OffsetSource> m_fs_source;
    bool m_partitioned = false;
    std::uint64_t m_fs_offset = 0;
    std::uint64_t m_fs_bytes = 0;
    HostAllocator m_allocator;
    tfs::Filesystem m_filesystem;
};

// What `cp` copies and how.
struct CopyOutRequest {
    std::vector<std::string> sources;  // image paths
    std::filesystem::path destination; // host path
    bool recursive = false;            // -r: directories too
    bool dereference = false;          // -L: copy what symlinks point to, not the links
};

// Copies image entries to the host like cp(1): with one source and a destination that is not an
// existing directory, the destination is the new name; otherwise each source goes into the
// destination directory under its own name. Symlinks are recreated as links unless dereference.
// Checks every source before writing anything; throws ops::Error. Returns the bytes copied.
std::uint64_t copy_out(const ImageReader& reader, const CopyOutRequest& request,
                       Progress* progress = nullptr);

// Total bytes of the regular files `copy_out` would write (for a progress total).
std::uint64_t copy_out_bytes(const ImageReader& reader, const CopyOutRequest& request);

} // namespace ops
