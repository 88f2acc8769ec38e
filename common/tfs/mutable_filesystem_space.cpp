// mutable_filesystem_space.cpp: the space side of a writable TFS that write() does not cover:
// fallocate's reserved (`uninited`) extents (tfs.md 6.3, 7.3), orphans (files the kernel keeps
// open after their last name went) and the allocated size of a file.
#include "common/tfs/extent_list.h"
#include "common/tfs/mutable_filesystem.h"
#include "common/tfs/varint.h"

namespace tfs {

Error MutableFilesystem::allocate(const Value* file, uint64_t offset, uint64_t length,
                                  SizeChange size) {
    TFS_TRY(check_writable());
    if (node_type(file) != NodeType::file)
        return Error::not_a_file;
    if (length == 0 || offset > kMaxFileBytes || length > kMaxFileBytes - offset)
        return Error::invalid_argument;
    const uint64_t end = offset + length;
    const uint64_t last_block = (end + kSectorSize - 1) / kSectorSize;
    uint64_t block = offset / kSectorSize;
    while (block < last_block) {
        ExtentList list(m_allocator);
        TFS_TRY(load_extents(file, list));
        size_t after = list.upper_bound(block); // extents [0, after) start at or before block
        if (after > 0 && block < list[after - 1].key + list[after - 1].length) {
            block = list[after - 1].key + list[after - 1].length;
            continue;
        }
        uint64_t gap_end =
            after < list.size() && list[after].key < last_block ? list[after].key : last_block;
        uint64_t count = gap_end - block < kMaxExtentBlocks ? gap_end - block : kMaxExtentBlocks;
        TFS_TRY(begin_operation(2 * kRecordEstimate, 1));
        // As for writes, two log extensions stay in reserve before data is allocated (6.8).
        TFS_TRY(reserve_log_extensions(kReservedLogExtensions));
        uint64_t start;
        if (!m_free.allocate(count, &start))
            count = m_free.allocate_some(count, &start);
        if (count == 0) {
            m_space_short = true;
            return Error::no_space;
        }
        uint8_t digits[20];
        Bytes key;
        Value* t = m_fs.m_tree.make_tuple();
        Value* allocated = integer(count);
        Value* blocks = integer(count);
        Value* sector = integer(start);
        if (!t || !allocated || !blocks || !sector) {
            (void)m_free.release(SectorRun{start, count});
            return Error::no_memory;
        }
        Error error = stored_name(Bytes(digits, format_decimal(block, digits)), &key);
        if (error == Error::none)
            error = m_fs.m_tree.set(t, attribute("allocated"), allocated);
        if (error == Error::none)
            error = m_fs.m_tree.set(t, attribute("length"), blocks);
        if (error == Error::none)
            error = m_fs.m_tree.set(t, attribute("offset"), sector);
        if (error == Error::none)
            error = m_fs.m_tree.set(t, attribute("uninited"), m_fs.m_tree.null_flag());
        if (error != Error::none) {
            (void)m_free.release(SectorRun{start, count});
            return error;
        }
        Value* extents = m_fs.m_tree.mutable_get(mutable_node(file), attribute("extents"));
        TFS_TRY(update(extents, key, t));
        block += count;
    }
    uint64_t old_length;
    TFS_TRY(file_length(file, &old_length));
    if (size == SizeChange::keep || end <= old_length)
        return Error::none;
    TFS_TRY(begin_operation(kRecordEstimate, 1));
    ExtentList list(m_allocator);
    TFS_TRY(load_extents(file, list));
    // Stale bytes past the old end in initialized blocks become visible: zero them first.
    TFS_TRY(zero_range(list, old_length, end, old_length));
    Value* v = integer(end);
    if (!v)
        return Error::no_memory;
    return update(mutable_node(file), attribute("filelength"), v);
}

Error MutableFilesystem::release_orphan(const Value* file) {
    TFS_TRY(check_writable());
    return release_file_data(file);
}

uint64_t allocated_bytes(const Value* file) {
    const Value* extents = tuple_get(file, attribute("extents"));
    uint64_t sectors = 0;
    for (size_t i = 0; extents && i < extents->entry_count(); i++) {
        uint64_t allocated = 0, length = 0;
        const Value* extent = extents->entry(i).value;
        value_as_u64(tuple_get(extent, attribute("length")), &length);
        if (!value_as_u64(tuple_get(extent, attribute("allocated")), &allocated) ||
            allocated < length)
            allocated = length;
        sectors += allocated;
    }
    return sectors * kSectorSize;
}

} // namespace tfs
