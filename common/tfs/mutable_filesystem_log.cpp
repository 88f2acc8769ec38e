// mutable_filesystem_log.cpp: when a writable TFS writes its log: room for each operation's
// records, flushes, the log extensions kept in reserve (tfs.md 6.8) and compaction (4.6): the
// whole tree as one record in a new chain, switched to by rewriting sector 0. The framing itself
// is log_tail.cpp; what counts as obsolete is log_stats.cpp.
#include "common/tfs/mutable_filesystem.h"

namespace tfs {

Error MutableFilesystem::reserve_log_extensions(size_t count) {
    while (m_reserved_count < count) {
        uint64_t start;
        if (!m_free.allocate(kExtensionSectors, &start)) {
            m_space_short = true;
            return Error::no_space;
        }
        m_reserved[m_reserved_count++] = start;
    }
    return Error::none;
}

Error MutableFilesystem::flush_log() {
    if (m_log.pending_records() == 0)
        return Error::none;
    TFS_TRY(compact_if_worthwhile());
    if (m_log.pending_records() == 0)
        return Error::none; // the compacted log holds them
    uint64_t extension = 0;
    if (!m_log.fits_in_current(0, 0)) {
        if (reserve_log_extensions(1) != Error::none) {
            TFS_TRY(compact_if_worthwhile());
            return m_log.pending_records() == 0 ? Error::none : Error::no_space;
        }
        extension = m_reserved[0];
    }
    bool took = false;
    TFS_TRY(m_log.flush(extension, &took));
    if (took) {
        // Out of memory only keeps a compaction from freeing this extension (until remount).
        (void)m_log_extensions.append(SectorRun{extension, kExtensionSectors});
        for (size_t i = 1; i < m_reserved_count; i++)
            m_reserved[i - 1] = m_reserved[i];
        m_reserved_count--;
        m_extensions_added++;
    }
    return Error::none;
}

Error MutableFilesystem::begin_operation(uint64_t bytes, uint64_t records) {
    TFS_TRY(check_writable());
    if (m_log.pending_bytes() + bytes > kMaxPendingLogBytes ||
        m_log.pending_records() + records > kMaxPendingRecords)
        TFS_TRY(flush_log());
    if (m_log.fits_in_current(bytes, records))
        return Error::none;
    if (!m_log.fits_with_new_extension(bytes, records)) {
        TFS_TRY(flush_log());
        if (m_log.fits_in_current(bytes, records))
            return Error::none;
        if (!m_log.fits_with_new_extension(bytes, records))
            return Error::limit;
    }
    if (reserve_log_extensions(1) == Error::none)
        return Error::none;
    // No room for the next extension: a compaction may free old ones.
    uint64_t before = m_compactions;
    TFS_TRY(compact_if_worthwhile());
    if (m_compactions == before)
        return Error::no_space;
    if (m_log.fits_in_current(bytes, records))
        return Error::none;
    return reserve_log_extensions(1);
}

Error MutableFilesystem::flush() {
    TFS_TRY(check_writable());
    // After ENOSPC the caller flushes and retries: that is when a compaction may give back space.
    TFS_TRY(compact_if_worthwhile());
    TFS_TRY(flush_log());
    // The records releasing these runs are written; only now may the runs get new owners.
    for (size_t i = 0; i < m_deferred_free.size(); i++)
        (void)m_free.release(m_deferred_free[i]); // a failure only leaks the run until remount
    m_deferred_free.clear();
    return Error::none;
}

Error MutableFilesystem::compact_if_worthwhile() {
    bool by_ratio = m_stats.wants_compaction();
    bool by_space = m_space_short && m_log_extensions.size() > 1;
    if (!by_ratio && !by_space)
        return Error::none;
    // After a compaction that could not be done, wait for more obsolete updates before the next
    // try: each one encodes the whole tree.
    if (m_compaction_failed && m_stats.obsolete() < m_failed_obsolete + kCompactRetryObsolete)
        return Error::none;
    Error error = compact_log(by_ratio ? Shrink::any : Shrink::fewer_extensions);
    if (error == Error::no_space || error == Error::no_memory || error == Error::limit) {
        m_compaction_failed = true;
        m_failed_obsolete = m_stats.obsolete();
        return Error::none; // the log goes on as it is
    }
    return error;
}

Error MutableFilesystem::compact() {
    TFS_TRY(check_writable());
    return compact_log(Shrink::any);
}

Error MutableFilesystem::compact_log(Shrink shrink) {
    ByteBuffer record(m_allocator);
    Encoder fresh(m_allocator);
    TFS_TRY(fresh.encode(m_fs.root(), record));
    if (record.size() > kMaxRecordBytes)
        return Error::limit; // a reader would refuse it
    const uint64_t count = LogTail::chain_extensions(record.size());
    if (shrink == Shrink::fewer_extensions && count >= m_log_extensions.size())
        return Error::no_space;
    // The new chain goes into free space (the reserved extensions too, when that is all there
    // is), so the old log stays whole until sector 0 switches.
    uint64_t* sectors =
        static_cast<uint64_t*>(m_allocator.allocate(count * sizeof(uint64_t), alignof(uint64_t)));
    if (!sectors)
        return Error::no_memory;
    size_t taken = 0;
    Error error = Error::none;
    while (taken < count) {
        uint64_t start;
        if (m_free.allocate(kExtensionSectors, &start))
            sectors[taken++] = start;
        else if (m_reserved_count > 0)
            sectors[taken++] = m_reserved[--m_reserved_count];
        else {
            error = Error::no_space;
            break;
        }
    }
    if (error == Error::none)
        error = m_log.write_chain(record.bytes(), sectors, count);
    if (error != Error::none) {
        for (size_t i = 0; i < taken; i++)
            (void)m_free.release(SectorRun{sectors[i], kExtensionSectors});
        m_allocator.deallocate(sectors, count * sizeof(uint64_t));
        return error;
    }
    error = m_log.switch_to_chain(m_fs.header());
    if (error != Error::none) {
        // Sector 0 may hold either log now: neither may be overwritten. Remount to find out.
        m_allocator.deallocate(sectors, count * sizeof(uint64_t));
        m_broken = true;
        return Error::broken;
    }
    // The old chain is free space now. A failed release only leaks a run until the next mount.
    for (size_t i = 0; i < m_log_extensions.size(); i++)
        (void)m_free.release(m_log_extensions[i]);
    m_log_extensions.clear();
    for (size_t i = 0; i < count; i++)
        (void)m_log_extensions.append(SectorRun{sectors[i], kExtensionSectors});
    m_allocator.deallocate(sectors, count * sizeof(uint64_t));
    m_encoder.swap(fresh);
    m_stats.reset();
    m_space_short = false;
    m_compaction_failed = false;
    m_compactions++;
    return Error::none;
}

} // namespace tfs
