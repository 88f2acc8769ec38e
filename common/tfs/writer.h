// writer.h: building a new TFS from a tree the caller describes (directories, streamed files,
// symlinks, manifest attributes) in the layout of tfs.md 7.4. Reading is in filesystem.h.
#pragma once

#include "common/tfs/block_device.h"
#include "common/tfs/encoder.h"
#include "common/tfs/format.h"
#include "common/tfs/value.h"

#include <cstddef>
#include <cstdint>

namespace tfs {

// The contents of one regular file, pulled in pieces while the image is written so large files
// never sit in memory. read() fills all of out from `offset` (offset + out.size() <= the size given
// to add_file) and returns false on failure. May block.
class FileContent {
  public:
    virtual bool read(uint64_t offset, MutableBytes out) = 0;

  protected:
    ~FileContent() = default;
};

struct WriteOptions {
    uint8_t uuid[kUuidBytes] = {}; // give a fixed one for reproducible images
    Bytes label;                   // at most kMaxLabelBytes
};

struct WriteResult {
    // Bytes of the TFS that were written or reserved: the end of the last data sector or log
    // extension. The TFS must be at least this large; see padded_fs_size().
    uint64_t bytes_used = 0;
    uint64_t log_extensions = 0; // extensions after sector 0
    uint64_t record_bytes = 0;   // size of the single root record
};

// A time in the 32.32 fixed point of `mtime`/`atime` (6.6): seconds since the epoch in the upper
// 32 bits, the fraction of a second in units of 2^-32 s below (rounded down). Seconds past 2^32
// (the year 2106) do not fit: the caller leaves the time out.
constexpr uint64_t fixed_time(uint64_t seconds, uint32_t nanoseconds) {
    return (seconds << 32) | ((uint64_t(nanoseconds % 1000000000u) << 32) / 1000000000u);
}

// Size to give a TFS so the kernel can write to it: bytes_used plus the 1 MiB it needs for two new
// log extensions (6.8), rounded up to 512 KiB like Nanos mkfs (7.4).
uint64_t padded_fs_size(uint64_t bytes_used);

// Collects a tree, then writes it as one TFS. Layout (7.4): sector 0 links to the extension at
// sector 1 holding one full root record (split per 4.4, further extensions after the data), file
// data from sector 1025 in tree order, one contiguous run per file (extents of at most 32 MiB),
// integers as type 3, names sorted bytewise. Identical trees and options give identical bytes.
// Allocates from the allocator; not thread-safe.
class Builder {
  public:
    explicit Builder(common::Allocator& allocator);
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;

    // For making manifest values (strings, vectors, tuples) to pass to set_attribute().
    Tree& tree() { return m_tree; }
    // The root tuple: the root directory (it holds `children`) and the manifest. nullptr only if
    // out of memory.
    Value* root();

    // Names must be 1..255 bytes without '/' or NUL, and not "." or "..". `dir` is a directory
    // node (root() or one returned by add_directory). out may be nullptr.
    // Returns the existing directory when `name` already is one (mkdir -p).
    Error add_directory(Value* dir, Bytes name, Value** out = nullptr);
    // Creates every missing directory of a '/'-separated path below the root.
    Error add_directories(Bytes path, Value** out = nullptr);
    // A regular file of `size` bytes whose data comes from content (kept until write()). Replaces
    // an existing entry of that name.
    Error add_file(Value* dir, Bytes name, uint64_t size, FileContent* content,
                   Value** out = nullptr);
    Error add_symlink(Value* dir, Bytes name, Bytes target, Value** out = nullptr);
    // Sets any attribute (manifest key, xattr, flag) on a tuple; the name is copied.
    Error set_attribute(Value* tuple, Bytes name, Value* value);
    Error set_attribute(Value* tuple, const char* name, Value* value) {
        return set_attribute(tuple, common::bytes_of(name), value);
    }

    // Writes data, then the log, then sector 0. Call once.
    Error write(BlockSink& sink, const WriteOptions& options, WriteResult* result);

  private:
    struct File {
        Value* node;
        uint64_t size;
        FileContent* content;
        uint64_t first_sector; // 0 until placed
    };
    Error add_entry(Value* dir, Bytes name, Value* node);
    Error place_files(const Value* dir, unsigned depth, uint64_t* next_sector);
    Error write_data(BlockSink& sink);
    Error write_log(BlockSink& sink, Bytes record, uint64_t data_end, WriteResult* result);

    common::Allocator& m_allocator;
    Tree m_tree;
    Value* m_root = nullptr;
    IndexMap m_file_index; // node address -> index + 1 in m_files
    File* m_files = nullptr;
    size_t m_file_count = 0;
    size_t m_file_capacity = 0;
    // Files in placement (= tree) order, indexes into m_files.
    size_t* m_order = nullptr;
    size_t m_order_count = 0;
};

} // namespace tfs
