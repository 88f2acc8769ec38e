// log_tail.h: continuing an existing TFS log the way the Nanos kernel does (tfs.md 4.4, 4.5):
// pending records are framed after the last END_OF_LOG (the first time after mount behind an
// END_OF_SEGMENT), and a new 1024-sector extension is linked when the current one fills. Which
// sectors a new extension gets is the caller's choice (mutable_filesystem.cpp owns free space).
#pragma once

#include "common/tfs/block_device.h"
#include "common/tfs/encoder.h"
#include "common/tfs/format.h"
#include "common/tfs/log_reader.h"

#include <cstddef>
#include <cstdint>

namespace tfs {

// Records buffered before a flush. Bounded so that one flush never needs more than one new
// extension (4.4 room arithmetic in log_tail.cpp) and the tail buffer stays small.
constexpr uint64_t kMaxPendingLogBytes = 64 * 1024;
constexpr size_t kMaxPendingRecords = 1024;
// The largest single record the tail accepts: it must fit in a fresh extension with the pending
// bytes. Our records are one attribute update each (a name of at most 255 bytes, a symlink
// target of at most 4096), so this is generous.
constexpr uint64_t kMaxTailRecordBytes = 128 * 1024;

// Where the replayed log ended: the extension holding END_OF_LOG and that byte's offset in it.
struct LogEnd {
    uint64_t sector = 0;  // first sector of the extension (0 = the initial extension)
    uint64_t sectors = 0; // its length as given by the link that led to it
    uint64_t version = kVersion;
    uint64_t offset = 0; // byte offset of END_OF_LOG inside the extension
};

class LogTail {
  public:
    explicit LogTail(common::Allocator& allocator) : m_allocator(allocator), m_pending(allocator) {}
    ~LogTail();
    LogTail(const LogTail&) = delete;
    LogTail& operator=(const LogTail&) = delete;

    // Reads the extension prefix up to END_OF_LOG and allocates two extension buffers (1 MiB) and
    // the pending-record index. Records are never appended to the 1-sector initial extension or
    // to a version-4 one: the first flush links a new extension from there instead (4.1).
    Error open(BlockSource& source, BlockSink& sink, const LogEnd& end);

    // Whether `bytes` more record bytes in `records` more records, with everything pending, fit
    // in the current extension without linking a new one.
    bool fits_in_current(uint64_t bytes, uint64_t records) const;
    // Whether they fit in the current extension plus one new one.
    bool fits_with_new_extension(uint64_t bytes, uint64_t records) const;

    // Buffers one encoded record (no I/O). Fails with Error::limit beyond the bounds above; the
    // caller checks fits_* and flushes first.
    Error append(Bytes record);
    uint64_t pending_bytes() const { return m_pending.size(); }
    size_t pending_records() const { return m_record_count; }

    // Writes every pending record. `new_extension` is a free 1024-sector run the log may take if
    // the current extension fills (0 = none: then Error::no_space and nothing is written);
    // *took_extension says whether it did. Crash-safe order: a new extension is written whole
    // first, then the old extension's sectors after the one holding the old END_OF_LOG, then that
    // sector alone, so until the last single-sector write the disk holds the old log. On an I/O
    // error the records stay pending and a later flush rewrites the same bytes. Blocks.
    Error flush(uint64_t new_extension, bool* took_extension);

    // Compaction (4.6) in two steps. Extensions a chain holding one record of `record_bytes`
    // needs, framed by the rule of 4.4.
    static uint64_t chain_extensions(uint64_t record_bytes);
    // Writes `record` as a new chain into the free 1024-sector runs `sectors` (count =
    // chain_extensions()), each extension linking the next. Nothing on disk refers to the chain
    // yet and this tail is unchanged: on failure (io) the caller just frees the runs. Blocks.
    Error write_chain(Bytes record, const uint64_t* sectors, size_t count);
    // Then rewrites sector 0 with `header`'s uuid and label and a link to the chain written last:
    // this single-sector write switches every reader from the old log to the new one. On success
    // the tail continues in the chain's last extension and the pending records are dropped (the
    // record holds their effect). On io the switch may or may not have happened. Blocks.
    Error switch_to_chain(const VolumeHeader& header);

    // The current end (for tests and for the next mount's expectations).
    LogEnd end() const { return m_end; }
    // Log bytes in use in the current extension, END_OF_LOG excluded.
    uint64_t used_bytes() const { return m_end.offset; }

  private:
    uint64_t extension_bytes() const { return m_end.sectors * kSectorSize; }
    bool can_append_here() const { return m_end.sector != 0 && m_end.version == kVersion; }
    Error write_tail(uint8_t* buffer, uint64_t sector, uint64_t from, uint64_t eol);

    common::Allocator& m_allocator;
    BlockSource* m_source = nullptr;
    BlockSink* m_sink = nullptr;
    LogEnd m_end;
    // The first append after mount leaves an END_OF_SEGMENT where the old END_OF_LOG was (4.5).
    bool m_segment_marker = true;
    uint8_t* m_current = nullptr; // the current extension; bytes past END_OF_LOG are zero
    uint8_t* m_next = nullptr;    // the next one while a flush links it
    // A chain written by write_chain(): its first sector, and where it ends (its last extension
    // is in m_next). chain_first = 0: none.
    uint64_t m_chain_first = 0;
    LogEnd m_chain_end;
    ByteBuffer m_pending;
    uint32_t* m_record_sizes = nullptr;
    size_t m_record_count = 0;
};

} // namespace tfs
