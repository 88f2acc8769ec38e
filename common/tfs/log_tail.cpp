// log_tail.cpp: framing pending records into the current extension and linking new ones (tfs.md
// 4.4-4.5). The chunking rule is the Nanos one (kCloseExtensionMargin, kChunkMargin), so split
// points match what the kernel would write.
#include "common/tfs/log_tail.h"

#include "common/tfs/varint.h"

namespace tfs {

// Upper bounds used by the room arithmetic: a frame header (code + two varints), a link plus its
// END_OF_LOG, and the header of a linked extension (magic, version 5, size 1024).
static constexpr uint64_t kMaxFrameHeaderBytes = 21;
static constexpr uint64_t kLinkBytes = 1 + kMaxVarintBytes + 2 + 1;
static constexpr uint64_t kExtensionHeaderBytes = sizeof(kMagic) + 1 + 2;

static uint64_t round_up_sector(uint64_t bytes) {
    return (bytes + kSectorSize - 1) / kSectorSize * kSectorSize;
}

LogTail::~LogTail() {
    if (m_current)
        m_allocator.deallocate(m_current, kExtensionBytes);
    if (m_next)
        m_allocator.deallocate(m_next, kExtensionBytes);
    if (m_record_sizes)
        m_allocator.deallocate(m_record_sizes, kMaxPendingRecords * sizeof(uint32_t));
}

Error LogTail::open(BlockSource& source, BlockSink& sink, const LogEnd& end) {
    if (m_current || end.sectors == 0 || end.sectors > kExtensionSectors ||
        end.offset >= end.sectors * kSectorSize)
        return Error::invalid_argument;
    m_current = static_cast<uint8_t*>(m_allocator.allocate(kExtensionBytes, 1));
    m_next = static_cast<uint8_t*>(m_allocator.allocate(kExtensionBytes, 1));
    m_record_sizes = static_cast<uint32_t*>(
        m_allocator.allocate(kMaxPendingRecords * sizeof(uint32_t), alignof(uint32_t)));
    if (!m_current || !m_next || !m_record_sizes)
        return Error::no_memory;
    fill_zero(m_current, kExtensionBytes);
    uint64_t prefix = round_up_sector(end.offset + 1);
    if (!source.read(end.sector * kSectorSize, MutableBytes(m_current, size_t(prefix))))
        return Error::io;
    if (m_current[end.offset] != uint8_t(FrameCode::end_of_log))
        return Error::corrupt;
    // Whatever an interrupted session left after END_OF_LOG is garbage (4.2): rewrite it as zeros.
    fill_zero(m_current + end.offset + 1, size_t(prefix - end.offset - 1));
    m_source = &source;
    m_sink = &sink;
    m_end = end;
    return Error::none;
}

bool LogTail::fits_in_current(uint64_t bytes, uint64_t records) const {
    uint64_t total = m_pending.size() + bytes;
    uint64_t count = m_record_count + records;
    if (count == 0)
        return true;
    if (!can_append_here())
        return false;
    uint64_t need = m_end.offset + (m_segment_marker ? 1 : 0) + total +
                    kMaxFrameHeaderBytes * count + kCloseExtensionMargin + 2;
    return need <= extension_bytes();
}

bool LogTail::fits_with_new_extension(uint64_t bytes, uint64_t records) const {
    uint64_t total = m_pending.size() + bytes;
    uint64_t count = m_record_count + records;
    // Whatever does not fit before the link continues in the new extension, with at worst one
    // more frame header for the split record.
    uint64_t need = kExtensionHeaderBytes + total + kMaxFrameHeaderBytes * (count + 1) +
                    kCloseExtensionMargin + 2;
    return need <= kExtensionBytes && m_end.offset + kLinkBytes <= extension_bytes();
}

Error LogTail::append(Bytes record) {
    if (!m_current)
        return Error::invalid_argument;
    if (record.empty() || record.size() > kMaxTailRecordBytes ||
        m_record_count == kMaxPendingRecords)
        return Error::limit;
    TFS_TRY(m_pending.append(record));
    m_record_sizes[m_record_count++] = uint32_t(record.size());
    return Error::none;
}

// Writes the sectors of an extension from the one holding byte `from` to the one holding `eol`:
// all but the first, then the first alone. The first still holds the old END_OF_LOG on disk, so
// the new frames become visible with that single-sector write.
Error LogTail::write_tail(uint8_t* buffer, uint64_t sector, uint64_t from, uint64_t eol) {
    uint64_t base = sector * kSectorSize;
    uint64_t first = from / kSectorSize * kSectorSize;
    uint64_t end = round_up_sector(eol + 1);
    if (end - first > kSectorSize &&
        !m_sink->write(base + first + kSectorSize,
                       Bytes(buffer + first + kSectorSize, size_t(end - first - kSectorSize))))
        return Error::io;
    if (!m_sink->write(base + first, Bytes(buffer + first, size_t(kSectorSize))))
        return Error::io;
    return Error::none;
}

Error LogTail::flush(uint64_t new_extension, bool* took_extension) {
    *took_extension = false;
    if (!m_current)
        return Error::invalid_argument;
    if (m_record_count == 0)
        return Error::none;
    uint8_t* buffer = m_current;
    uint64_t size = extension_bytes();
    uint64_t used = m_end.offset;
    bool marker = m_segment_marker;
    bool switched = false;
    uint64_t old_eol = 0;

    auto close = [&]() -> Error {
        if (switched)
            return Error::limit; // the pending bounds make one new extension enough
        if (new_extension == 0)
            return Error::no_space;
        if (used + kLinkBytes > size)
            return Error::corrupt;
        buffer[used++] = uint8_t(FrameCode::extension_link);
        used += encode_varint(new_extension, buffer + used);
        used += encode_varint(kExtensionSectors, buffer + used);
        old_eol = used;
        buffer[used] = uint8_t(FrameCode::end_of_log);
        switched = true;
        marker = false;
        buffer = m_next;
        fill_zero(buffer, kExtensionBytes);
        used = 0;
        copy_bytes(buffer, kMagic, sizeof(kMagic));
        used += sizeof(kMagic);
        used += encode_varint(kVersion, buffer + used);
        used += encode_varint(kExtensionSectors, buffer + used);
        size = kExtensionBytes;
        return Error::none;
    };

    Error error = Error::none;
    if (!can_append_here())
        error = close();
    const uint8_t* record = m_pending.bytes().data();
    for (size_t r = 0; r < m_record_count && error == Error::none; r++) {
        uint64_t total = m_record_sizes[r];
        uint64_t done = 0;
        while (done < total) {
            if (used + (marker ? 1 : 0) + kCloseExtensionMargin >= size) {
                error = close();
                if (error != Error::none)
                    break;
            }
            if (marker) {
                buffer[used++] = uint8_t(FrameCode::end_of_segment);
                marker = false;
            }
            uint64_t room = size - used - kChunkMargin;
            uint64_t chunk = total - done < room ? total - done : room;
            if (done == 0) {
                buffer[used++] = uint8_t(FrameCode::tuple_available);
                used += encode_varint(total, buffer + used);
            } else {
                buffer[used++] = uint8_t(FrameCode::tuple_extended);
            }
            used += encode_varint(chunk, buffer + used);
            copy_bytes(buffer + used, record + done, size_t(chunk));
            used += chunk;
            done += chunk;
        }
        record += total;
    }
    if (error == Error::none) {
        buffer[used] = uint8_t(FrameCode::end_of_log);
        if (switched) {
            if (!m_sink->write(new_extension * kSectorSize,
                               Bytes(m_next, size_t(round_up_sector(used + 1)))))
                error = Error::io;
            else
                error = write_tail(m_current, m_end.sector, m_end.offset, old_eol);
        } else {
            error = write_tail(m_current, m_end.sector, m_end.offset, used);
        }
    }
    if (error != Error::none) {
        // Forget the framing; the next flush starts again from the old END_OF_LOG.
        uint64_t old_size = extension_bytes();
        fill_zero(m_current + m_end.offset, size_t(old_size - m_end.offset));
        m_current[m_end.offset] = uint8_t(FrameCode::end_of_log);
        return error;
    }
    if (switched) {
        uint8_t* t = m_current;
        m_current = m_next;
        m_next = t;
        m_end = LogEnd{new_extension, kExtensionSectors, kVersion, used};
        *took_extension = true;
    } else {
        m_end.offset = used;
    }
    m_segment_marker = false;
    m_pending.clear();
    m_record_count = 0;
    return Error::none;
}

// Frames one record into consecutive extensions like Builder::write_log (4.4). With a null
// buffer it only counts; otherwise each extension is built in `buffer` and every one but the
// last written to `sectors`. *end gets the last extension's END_OF_LOG position.
static Error frame_chain(Bytes record, const uint64_t* sectors, size_t count, BlockSink* sink,
                         uint8_t* buffer, size_t* used_extensions, uint64_t* end) {
    size_t index = 0;
    uint64_t used = 0;
    auto start = [&]() {
        used = kExtensionHeaderBytes;
        if (!buffer)
            return;
        fill_zero(buffer, kExtensionBytes);
        copy_bytes(buffer, kMagic, sizeof(kMagic));
        size_t n = sizeof(kMagic);
        n += encode_varint(kVersion, buffer + n);
        encode_varint(kExtensionSectors, buffer + n);
    };
    start();
    uint8_t scratch[2 * kMaxVarintBytes + 1];
    uint64_t done = 0;
    while (done < record.size()) {
        if (used + kCloseExtensionMargin >= kExtensionBytes) {
            if (buffer) {
                if (index + 1 >= count)
                    return Error::invalid_argument;
                buffer[used] = uint8_t(FrameCode::extension_link);
                size_t n = 1 + encode_varint(sectors[index + 1], buffer + used + 1);
                n += encode_varint(kExtensionSectors, buffer + used + n);
                buffer[used + n] = uint8_t(FrameCode::end_of_log);
                if (!sink->write(sectors[index] * kSectorSize,
                                 Bytes(buffer, size_t(round_up_sector(used + n + 1)))))
                    return Error::io;
            }
            index++;
            start();
        }
        uint64_t room = kExtensionBytes - used - kChunkMargin;
        uint64_t chunk = record.size() - done < room ? record.size() - done : room;
        uint8_t* out = buffer ? buffer + used : scratch;
        size_t n = 0;
        out[n++] = uint8_t(done == 0 ? FrameCode::tuple_available : FrameCode::tuple_extended);
        if (done == 0)
            n += encode_varint(record.size(), out + n);
        n += encode_varint(chunk, out + n);
        if (buffer)
            copy_bytes(buffer + used + n, record.data() + done, size_t(chunk));
        used += n + chunk;
        done += chunk;
    }
    if (buffer) {
        if (index + 1 != count)
            return Error::invalid_argument;
        buffer[used] = uint8_t(FrameCode::end_of_log);
        if (!sink->write(sectors[index] * kSectorSize,
                         Bytes(buffer, size_t(round_up_sector(used + 1)))))
            return Error::io;
    }
    *used_extensions = index + 1;
    *end = used;
    return Error::none;
}

uint64_t LogTail::chain_extensions(uint64_t record_bytes) {
    size_t extensions = 0;
    uint64_t end = 0;
    // Counting cannot fail: the record is never touched.
    (void)frame_chain(Bytes(nullptr, size_t(record_bytes)), nullptr, 0, nullptr, nullptr,
                      &extensions, &end);
    return extensions;
}

Error LogTail::write_chain(Bytes record, const uint64_t* sectors, size_t count) {
    m_chain_first = 0;
    if (!m_current || record.empty() || count == 0)
        return Error::invalid_argument;
    size_t extensions = 0;
    uint64_t end = 0;
    TFS_TRY(frame_chain(record, sectors, count, m_sink, m_next, &extensions, &end));
    m_chain_first = sectors[0];
    m_chain_end = LogEnd{sectors[count - 1], kExtensionSectors, kVersion, end};
    return Error::none;
}

Error LogTail::switch_to_chain(const VolumeHeader& header) {
    if (!m_chain_first)
        return Error::invalid_argument;
    // The initial extension (4.1, 4.4): header with uuid and label, a link, END_OF_LOG.
    uint8_t sector0[kSectorSize];
    fill_zero(sector0, sizeof(sector0));
    size_t n = 0;
    copy_bytes(sector0, kMagic, sizeof(kMagic));
    n += sizeof(kMagic);
    n += encode_varint(kVersion, sector0 + n);
    n += encode_varint(1, sector0 + n);
    copy_bytes(sector0 + n, header.uuid, kUuidBytes);
    n += kUuidBytes;
    copy_bytes(sector0 + n, header.label_bytes, header.label_size);
    n += header.label_size + 1;
    sector0[n++] = uint8_t(FrameCode::extension_link);
    n += encode_varint(m_chain_first, sector0 + n);
    n += encode_varint(kExtensionSectors, sector0 + n);
    sector0[n] = uint8_t(FrameCode::end_of_log);
    m_chain_first = 0;
    if (!m_sink->write(0, Bytes(sector0, sizeof(sector0))))
        return Error::io;
    uint8_t* t = m_current;
    m_current = m_next;
    m_next = t;
    m_end = m_chain_end;
    m_segment_marker = false;
    m_pending.clear();
    m_record_count = 0;
    return Error::none;
}

} // namespace tfs
