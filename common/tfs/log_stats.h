// log_stats.h: how much of a TFS log is obsolete, and when that makes it worth compacting (tfs.md
// 4.6). Counted while the log is replayed (decoder.h's UpdateObserver) and for every update
// record the writable layer appends; compaction itself is in mutable_filesystem_compaction.cpp.
#pragma once

#include "common/tfs/decoder.h"

#include <cstdint>

namespace tfs {

// Compaction starts once at least this many updates are obsolete (4.6)...
constexpr uint64_t kCompactMinObsolete = 8192;
// ...and they make up at least 1/kCompactObsoleteShare of all updates (one half).
constexpr uint64_t kCompactObsoleteShare = 2;

// An update is one entry a record applies to an existing tuple (one attribute update record, for
// every record our writer appends). It becomes obsolete when a compacted log would no longer
// need it:
//  * replacing or deleting an attribute makes the update that had set it obsolete;
//  * a deletion is obsolete from the start (a compacted log just lacks the attribute);
//  * a file that loses its last name takes with it the updates that had grown it: counted as
//    one for its length (if it has one) and one per extent.
// This is an estimate (a full root record counts as no update; a Nanos link record that repeats
// a tuple's entries counts each as replaced), close for the create/write/rename/unlink patterns
// that make logs grow.
class LogStats final : public UpdateObserver {
  public:
    void on_update(const Value* old_value, const Value* new_value) override;

    uint64_t updates() const { return m_updates; }
    uint64_t obsolete() const { return m_obsolete; }
    // The trigger of 4.6: enough obsolete updates, and at least half of all of them.
    bool wants_compaction() const {
        return m_obsolete >= kCompactMinObsolete && m_obsolete * kCompactObsoleteShare >= m_updates;
    }
    // A new log starts with no updates.
    void reset() { m_updates = m_obsolete = 0; }

  private:
    uint64_t m_updates = 0;
    uint64_t m_obsolete = 0;
};

} // namespace tfs
