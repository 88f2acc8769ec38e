// mutable_filesystem.h: a mounted TFS that can be changed (tfs.md 4.5, 5.5, 6, 7.3): each change
// updates the in-memory tree and appends attribute-update records to the existing log; file data
// goes to extents allocated first-fit from free space (6.8); a log that is mostly obsolete is
// compacted (4.6). The log framing is log_tail.h, free space free_map.h, reading filesystem.h.
#pragma once

#include "common/tfs/encoder.h"
#include "common/tfs/filesystem.h"
#include "common/tfs/free_map.h"
#include "common/tfs/log_stats.h"
#include "common/tfs/log_tail.h"

#include <cstddef>
#include <cstdint>

namespace tfs {

// NAME_MAX, as used by Nanos (5.8).
constexpr size_t kMaxNameBytes = 255;
// PATH_MAX: the longest symlink target.
constexpr size_t kMaxSymlinkBytes = 4096;
// Largest file size we create (2^50 bytes keeps every block and byte number far from overflow).
constexpr uint64_t kMaxFileBytes = 1ull << 50;
// Free 1024-sector runs set aside for the next log extensions before any data is allocated, as
// the Nanos kernel does (6.8).
constexpr size_t kReservedLogExtensions = 2;
// One write() is applied in steps of at most one maximal extent, each with at most this many
// extent changes, so every step's records fit the log tail's bounds. The step's plan lives on the
// stack (2 pieces of 32 bytes per change: 2 KiB).
constexpr size_t kMaxExtentChangesPerStep = 32;

// What happens to a file's data when its last name goes (remove, rename over it).
enum class LastName : uint8_t { release, keep };
// A compaction that could not be done (no room for the new chain, no memory) is tried again only
// after this many more obsolete updates: each try encodes the whole tree.
constexpr uint64_t kCompactRetryObsolete = 1024;

// Whether allocate() may grow the file (fallocate mode 0) or not (FALLOC_FL_KEEP_SIZE).
enum class SizeChange : uint8_t { grow, keep };

// Times in the 32.32 fixed point of tfs.md 6.6. `set_*` say which to change.
struct NodeTimes {
    bool set_atime = false;
    bool set_mtime = false;
    uint64_t atime = 0;
    uint64_t mtime = 0;
};

// Bytes of disk a file's extents hold (their allocated sectors), for st_blocks. 0 for others.
uint64_t allocated_bytes(const Value* file);

// Nodes are the `const Value*` tuples that filesystem().resolve() and the create calls return.
// They stay valid for the life of this object, also after they are removed (the tree never frees).
//
// Error contract of every mutating call: on an error other than Error::io and Error::broken,
// nothing changed (no record, no tree change; write() may have completed earlier steps, see
// there). Error::broken means a memory failure left the tree and the log out of step: every later
// mutation returns it too, and the volume must be remounted (what is durable is consistent).
//
// Durability: changes are visible in the tree at once and buffered as log records; flush() writes
// them, and the caller then issues a device flush. Compaction (4.6) happens inside whichever call
// writes the log (flush(), or any mutating call whose records no longer fit in the buffer) when
// log_stats.h's trigger holds, or when space ran short (ENOSPC) and a new log would need fewer
// extensions than the current one: the whole tree, pending changes included, goes into a new
// chain in free space, then sector 0 is rewritten to point at it (one sector: readers see the old
// log or the new one, never a mix), then the old chain becomes free space. File data is written to
// the sink during write() itself, always into free sectors or the file's own extents, before any
// record refers to it. Freed extents become reusable only after the flush that logs their release.
//
// Not thread-safe: the kernel holds one lock around every call. Calls block on the source/sink
// and allocate from the allocator given to the constructor.
class MutableFilesystem {
  public:
    explicit MutableFilesystem(common::Allocator& allocator);
    ~MutableFilesystem();
    MutableFilesystem(const MutableFilesystem&) = delete;
    MutableFilesystem& operator=(const MutableFilesystem&) = delete;

    // Replays the log, rebuilds the writer dictionary and the free map, and reads the log tail.
    // options.fs_bytes is required (the TFS size). source and sink are the same device and must
    // outlive this object. Refuses (Error::corrupt) a log whose last record was cut off by
    // END_OF_LOG and extents outside the TFS, which it could not continue safely.
    Error mount(BlockSource& source, BlockSink& sink, const MountOptions& options);

    // Reading: path resolution, file reads, the root tuple. Always reflects every change made.
    const Filesystem& filesystem() const { return m_fs; }
    const Value* root() const { return m_fs.root(); }

    // New entries in directory `dir`. `time` (32.32, 0 = none) becomes atime and mtime, as the
    // kernel writes them (7.3). *out (may be nullptr) gets the new node. Names are 1..255 bytes
    // without '/' or NUL and not "." or "..". Errors: not_a_directory, exists, invalid_argument,
    // name_too_long, no_space (log), no_memory, io, broken.
    Error create_file(const Value* dir, Bytes name, uint64_t time, const Value** out);
    Error create_directory(const Value* dir, Bytes name, uint64_t time, const Value** out);
    // target: 1..kMaxSymlinkBytes bytes, stored as given.
    Error create_symlink(const Value* dir, Bytes name, Bytes target, uint64_t time,
                         const Value** out);
    // A second name for a file or symlink (is_a_directory for directories); raises nlink.
    Error link(const Value* dir, Bytes name, const Value* existing);
    // Removes a name (unlink or rmdir): not_found, not_empty for a directory with entries. When the
    // last name of a file goes, its extents are freed (after the next flush), unless `data` is
    // keep: the file is then an orphan that still reads and writes (a file the kernel still has
    // open) until release_orphan() frees its extents. Nothing on disk refers to an orphan, so a
    // remount frees its space anyway.
    Error remove(const Value* dir, Bytes name, LastName data = LastName::release);
    // POSIX rename: replaces an existing target (a file by a non-directory, an empty directory by
    // a directory; is_a_directory / not_a_directory / not_empty otherwise). Renaming onto the same
    // node is a no-op; moving a directory below itself is invalid_argument. A replaced file that
    // loses its last name is released or kept as remove() does.
    Error rename(const Value* old_dir, Bytes old_name, const Value* new_dir, Bytes new_name,
                 LastName replaced = LastName::release);
    // Frees (after the next flush) the extents of an orphan left by remove/rename with keep.
    Error release_orphan(const Value* file);
    // Names an orphan again (linkat of an O_TMPFILE file): one entry, nlink back to 1. Errors as
    // create_file, plus invalid_argument when `orphan` is not a file.
    Error adopt(const Value* dir, Bytes name, const Value* orphan);

    // Writes data at `offset`, growing `filelength`, filling holes and extending extents. *done
    // gets the bytes written. The write proceeds in steps; on no_space (or another error) after
    // some steps, *done < data.size() and those bytes are in the file (a short write). Bytes
    // between the old end and `offset` read as zeros. Errors: not_a_file, invalid_argument
    // (offset + size beyond kMaxFileBytes), no_space, no_memory, io, broken.
    Error write(const Value* file, uint64_t offset, Bytes data, size_t* done);
    // Sets the size: shrinking frees whole blocks past the end (after the next flush), growing
    // reads as zeros (a hole; no allocation).
    Error truncate(const Value* file, uint64_t length);
    // Sets `atime` / `mtime` of any node.
    Error set_times(const Value* node, const NodeTimes& times);
    // Reserves disk blocks for the file bytes [offset, offset + length) (fallocate): holes get new
    // extents flagged `uninited`, which read as zeros (6.3); blocks already there stay. With
    // SizeChange::grow a file shorter than offset + length grows to it. On no_space after some
    // extents were made, those stay (Linux leaves a failed fallocate partly done too). Errors:
    // not_a_file, invalid_argument (empty range, beyond kMaxFileBytes), no_space, no_memory, io,
    // broken.
    Error allocate(const Value* file, uint64_t offset, uint64_t length, SizeChange size);

    // Writes every buffered record (possibly linking a new extension) and makes freed extents
    // reusable. When it returns Error::none, a device flush by the caller makes every earlier
    // change durable. Errors: no_space (no room for a log extension; records stay buffered), io.
    Error flush();

    // Writes the whole tree as a new log now (4.6), with every pending change. Errors: no_space
    // (no free runs for the new chain; nothing changed), no_memory, limit (the tree encodes to
    // more than kMaxRecordBytes), io (the old log is still in use), broken (sector 0's write
    // failed: remount).
    Error compact();

    // Free sectors not yet handed out (reserved log extensions excluded).
    uint64_t free_sectors() const { return m_free.free_sectors(); }
    const FreeMap& free_map() const { return m_free; }
    const LogTail& log_tail() const { return m_log; }
    // Log extensions linked since mount.
    uint64_t extensions_added() const { return m_extensions_added; }
    // Extensions of the current log after sector 0 (as far as memory allowed to track them).
    size_t log_extensions() const { return m_log_extensions.size(); }
    // Compactions since mount, and the update counts behind the next one.
    uint64_t compactions() const { return m_compactions; }
    const LogStats& log_stats() const { return m_stats; }

  private:
    struct Extent;
    class ExtentList;
    class MountObserver;

    Value* mutable_node(const Value* node) const { return const_cast<Value*>(node); }
    Error check_writable() const;
    // Makes room in the log for an operation's records (flushing, reserving an extension).
    Error begin_operation(uint64_t bytes, uint64_t records);
    Error reserve_log_extensions(size_t count);
    Error flush_log();
    // Whether a compaction must also leave the log with fewer extensions than it has.
    enum class Shrink : uint8_t { any, fewer_extensions };
    Error compact_log(Shrink shrink);
    // Compacts when the trigger holds; a compaction that cannot be done is not an error.
    Error compact_if_worthwhile();
    // Encodes and buffers `tuple.name := value` (nullptr = delete) and applies it to the tree.
    Error update(Value* tuple, Bytes name, Value* value);
    Error create_node(const Value* dir, Bytes name, Value* node, const Value** out);
    Error add_times(Value* node, uint64_t time);
    Error stored_name(Bytes name, Bytes* out);
    Value* integer(uint64_t v);
    // Frees (after the next flush) every extent of a file.
    Error release_file_data(const Value* file);
    Error defer_free(SectorRun run);
    Error forget_name(Value* node, bool* last_name);

    Error load_extents(const Value* file, ExtentList& list) const;
    Error write_step(Value* file, uint64_t offset, Bytes data, size_t* done);
    Error zero_range(const ExtentList& list, uint64_t from, uint64_t to, uint64_t length);
    Error write_run(uint64_t disk_sector, uint64_t file_block, bool fresh, uint64_t old_length,
                    uint64_t offset, Bytes data);
    Error fill_extent_zero(const Extent& extent);
    Error collect_used(const Value* node, unsigned depth, RunList& used);

    common::Allocator& m_allocator;
    Filesystem m_fs;
    BlockSource* m_source = nullptr;
    BlockSink* m_sink = nullptr;
    uint64_t m_fs_sectors = 0;
    Encoder m_encoder;
    ByteBuffer m_record;
    LogTail m_log;
    FreeMap m_free;
    RunList m_deferred_free;
    uint64_t m_reserved[kReservedLogExtensions] = {};
    size_t m_reserved_count = 0;
    uint64_t m_extensions_added = 0;
    RunList m_log_extensions; // the current chain after sector 0
    LogStats m_stats;
    bool m_space_short = false; // a data or log allocation failed since the last compaction
    bool m_compaction_failed = false;
    uint64_t m_failed_obsolete = 0; // obsolete updates when it failed
    uint64_t m_compactions = 0;
    uint8_t* m_zeros = nullptr; // kZeroBytes of zeros for hole filling
    bool m_broken = false;
};

} // namespace tfs
