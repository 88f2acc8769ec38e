// filesystem.h: a mounted, read-only TFS: the replayed tree (root tuple = manifest + root
// directory), path resolution and file reads through extents (tfs.md 6). Writing is in writer.h.
#pragma once

#include "common/tfs/block_device.h"
#include "common/tfs/decoder.h"
#include "common/tfs/log_reader.h"
#include "common/tfs/value.h"

#include <cstddef>
#include <cstdint>

namespace tfs {

enum class NodeType : uint8_t {
    directory, // has `children`
    file,      // has `extents`
    symlink,   // has `linktarget`
    other,     // none of them: not usable as a file (6.3)
};

// Classifies a node tuple. Checked in the order children, linktarget, extents.
NodeType node_type(const Value* node);
// The `children` tuple of a directory (entries are names -> node tuples), or nullptr.
const Value* directory_entries(const Value* dir);
// One entry of a directory, or nullptr.
const Value* lookup_child(const Value* dir, Bytes name);
// `filelength` as an integer or decimal string; 0 when absent. Error::corrupt when malformed.
Error file_length(const Value* file, uint64_t* out);
// `linktarget` of a symlink.
bool symlink_target(const Value* node, Bytes* out);
// `nlink`, 1 when absent or malformed (6.5).
uint64_t link_count(const Value* node);

// Result of resolving a path. On Error::symlink, node is the symlink met in the middle of the path
// and consumed is the length of the path prefix up to and including its name: the caller splices
// the target in front of path[consumed..] and resolves again. Symlinks are never followed here.
struct Lookup {
    const Value* node = nullptr;
    size_t consumed = 0;
};

struct MountOptions {
    // Size of the TFS in bytes (partition size, or disk size for a volume). Links, records and
    // extents beyond it are rejected. 0 = unknown, no such check.
    uint64_t fs_bytes = 0;
    LogObserver* observer = nullptr;
    // Told about every entry applied to an existing tuple while replaying (decoder.h).
    UpdateObserver* updates = nullptr;
};

class Filesystem {
  public:
    // allocator backs the whole tree and dictionary for the life of this object.
    explicit Filesystem(common::Allocator& allocator)
        : m_allocator(allocator), m_tree(allocator), m_dictionary(allocator) {}
    Filesystem(const Filesystem&) = delete;
    Filesystem& operator=(const Filesystem&) = delete;

    // Replays the log from sector 0. Call once. Blocks on the source; allocates the tree. The
    // source must outlive this object (read_file uses it).
    Error mount(BlockSource& source, const MountOptions& options = MountOptions());

    // The root tuple (dictionary #1): manifest attributes plus `children`.
    const Value* root() const { return m_root; }
    const VolumeHeader& header() const { return m_header; }
    Bytes label() const { return m_header.label(); }
    const uint8_t* uuid() const { return m_header.uuid; }
    uint64_t dictionary_size() const { return m_dictionary.size(); }

    // Resolves an absolute or relative (to the root) path. Empty components and "." are skipped,
    // ".." goes up (not above the root). The final component may be any node type.
    Error resolve(Bytes path, Lookup* out) const;
    Error resolve(const char* path, Lookup* out) const {
        return resolve(common::bytes_of(path), out);
    }

    // Reads up to out.size() bytes of a regular file from `offset`, stopping at filelength.
    // Holes and `uninited` extents read as zeros. *done gets the byte count (0 at or past EOF).
    // Blocks on the source; no allocation.
    Error read_file(const Value* file, uint64_t offset, MutableBytes out, size_t* done) const;

  private:
    // The writable layer (mutable_filesystem.h) changes the tree and continues the dictionary.
    friend class MutableFilesystem;

    common::Allocator& m_allocator;
    Tree m_tree;
    Dictionary m_dictionary;
    VolumeHeader m_header;
    BlockSource* m_source = nullptr;
    uint64_t m_fs_bytes = 0;
    const Value* m_root = nullptr;
};

} // namespace tfs
