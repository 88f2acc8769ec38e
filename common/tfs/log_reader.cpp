// log_reader.cpp: extension chain and frame parsing (tfs.md 4.1-4.3). Reads go through a one-sector
// window, so frames are parsed without holding whole extensions; record bodies are read directly.
#include "common/tfs/log_reader.h"

namespace tfs {

Error parse_volume_header(Bytes sector0, VolumeHeader* out) {
    ByteReader reader(sector0);
    Bytes magic;
    if (!reader.read_bytes(sizeof(kMagic), &magic))
        return Error::truncated;
    if (!common::bytes_equal(magic, Bytes(kMagic, sizeof(kMagic))))
        return Error::bad_magic;
    VolumeHeader h;
    uint64_t size;
    if (!reader.read_varint(&h.version) || !reader.read_varint(&size))
        return Error::truncated;
    if (h.version != kVersion && h.version != kVersion4)
        return Error::bad_version;
    Bytes uuid;
    if (!reader.read_bytes(kUuidBytes, &uuid))
        return Error::truncated;
    copy_bytes(h.uuid, uuid.data(), kUuidBytes);
    // The label plus its NUL must fit in 32 bytes.
    for (size_t i = 0;; i++) {
        uint8_t c;
        if (i > kMaxLabelBytes)
            return Error::corrupt;
        if (!reader.read_u8(&c))
            return Error::truncated;
        if (c == 0)
            break;
        h.label_bytes[i] = c;
        h.label_size = i + 1;
    }
    *out = h;
    return Error::none;
}

Error probe_volume(BlockSource& source, VolumeHeader* out) {
    uint8_t sector[kSectorSize];
    if (!source.read(0, MutableBytes(sector, sizeof(sector))))
        return Error::io;
    return parse_volume_header(Bytes(sector, sizeof(sector)), out);
}

void format_uuid(const uint8_t uuid[kUuidBytes], char out[kUuidTextBytes]) {
    const char* hex = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < kUuidBytes; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[uuid[i] >> 4];
        out[o++] = hex[uuid[i] & 15];
    }
}

namespace {

// Sequential reading inside one extension through a sector-aligned window. Running past the end
// of the extension is Error::truncated.
class ExtensionCursor {
  public:
    explicit ExtensionCursor(BlockSource& source) : m_source(source) {}

    void start(uint64_t byte_start, uint64_t byte_size) {
        m_start = byte_start;
        m_size = byte_size;
        m_position = 0;
        m_window_valid = false;
    }
    uint64_t position() const { return m_position; }
    void seek(uint64_t position) { m_position = position; }

    Error read_u8(uint8_t* out) {
        if (m_position >= m_size)
            return Error::truncated;
        uint64_t base = m_position & ~(kSectorSize - 1);
        if (!m_window_valid || base != m_window_base) {
            if (!m_source.read(m_start + base, MutableBytes(m_window, sizeof(m_window))))
                return Error::io;
            m_window_base = base;
            m_window_valid = true;
        }
        *out = m_window[m_position - base];
        m_position++;
        return Error::none;
    }

    Error read_varint(uint64_t* out) {
        uint64_t v = 0;
        for (size_t i = 0; i < kMaxVarintBytes; i++) {
            uint8_t b;
            TFS_TRY(read_u8(&b));
            if (v >> 57)
                return Error::corrupt;
            v = (v << 7) | (b & 0x7f);
            if (!(b & 0x80)) {
                *out = v;
                return Error::none;
            }
        }
        return Error::corrupt;
    }

    // Copies out.size() bytes: what is left in the window, then one direct read for the rest.
    Error read_bytes(MutableBytes out) {
        if (out.size() > m_size - m_position)
            return Error::truncated;
        size_t done = 0;
        while (done < out.size() && (m_position & (kSectorSize - 1)) != 0) {
            TFS_TRY(read_u8(&out[done]));
            done++;
        }
        if (done < out.size()) {
            MutableBytes rest = out.slice(done);
            if (!m_source.read(m_start + m_position, rest))
                return Error::io;
            m_position += rest.size();
        }
        return Error::none;
    }

  private:
    BlockSource& m_source;
    uint64_t m_start = 0;
    uint64_t m_size = 0;
    uint64_t m_position = 0;
    uint64_t m_window_base = 0;
    bool m_window_valid = false;
    uint8_t m_window[kSectorSize];
};

// The buffer of the record being reassembled, reused across records.
class RecordBuffer {
  public:
    explicit RecordBuffer(common::Allocator& allocator) : m_allocator(allocator) {}
    ~RecordBuffer() {
        if (m_data)
            m_allocator.deallocate(m_data, m_capacity);
    }
    Error reserve(uint64_t size) {
        if (size <= m_capacity)
            return Error::none;
        if (m_data)
            m_allocator.deallocate(m_data, m_capacity);
        m_capacity = 0;
        m_data = static_cast<uint8_t*>(m_allocator.allocate(size_t(size), 1));
        if (!m_data)
            return Error::no_memory;
        m_capacity = size;
        return Error::none;
    }
    uint8_t* data() { return m_data; }

  private:
    common::Allocator& m_allocator;
    uint8_t* m_data = nullptr;
    uint64_t m_capacity = 0;
};

} // namespace

// Parses the header of a linked extension (no uuid or label) and returns its version.
static Error read_extension_header(ExtensionCursor& cursor, uint64_t* version) {
    uint8_t magic[sizeof(kMagic)];
    TFS_TRY(cursor.read_bytes(MutableBytes(magic, sizeof(magic))));
    if (!common::bytes_equal(Bytes(magic, sizeof(magic)), Bytes(kMagic, sizeof(kMagic))))
        return Error::bad_magic;
    uint64_t size;
    TFS_TRY(cursor.read_varint(version));
    TFS_TRY(cursor.read_varint(&size)); // the kernel trusts the link's length, not this
    if (*version != kVersion && *version != kVersion4)
        return Error::bad_version;
    return Error::none;
}

Error replay_log(BlockSource& source, const ReplayOptions& options, common::Allocator& allocator,
                 Tree& tree, Dictionary& dictionary, VolumeHeader* header) {
    uint8_t sector0[kSectorSize];
    if (!source.read(0, MutableBytes(sector0, sizeof(sector0))))
        return Error::io;
    TFS_TRY(parse_volume_header(Bytes(sector0, sizeof(sector0)), header));

    ExtensionCursor cursor(source);
    cursor.start(0, kSectorSize);
    // Skip the sector-0 header again through the cursor: magic, version, size, uuid, label, NUL.
    {
        uint64_t version;
        TFS_TRY(read_extension_header(cursor, &version));
        cursor.seek(cursor.position() + kUuidBytes + header->label_size + 1);
    }
    uint64_t extension_sector = 0;
    uint64_t version = header->version;
    uint64_t extensions = 1;
    if (options.observer)
        options.observer->on_extension(0, 1, version);

    RecordBuffer record(allocator);
    RecordDecoder decoder(tree, dictionary, options.updates);
    bool pending = false;
    uint64_t total = 0, collected = 0, record_version = version;

    for (;;) {
        uint64_t frame_offset = cursor.position();
        uint8_t code;
        TFS_TRY(cursor.read_u8(&code));
        switch (FrameCode(code)) {
        case FrameCode::end_of_log:
            if (options.observer)
                options.observer->on_frame(extension_sector, frame_offset, FrameCode::end_of_log, 0,
                                           0);
            // A record cut off by END_OF_LOG never completed; what came before still stands.
            return Error::none;
        case FrameCode::end_of_segment:
            if (options.observer)
                options.observer->on_frame(extension_sector, frame_offset,
                                           FrameCode::end_of_segment, 0, 0);
            break;
        case FrameCode::tuple_available:
        case FrameCode::tuple_extended: {
            bool first = FrameCode(code) == FrameCode::tuple_available;
            uint64_t chunk;
            if (first) {
                if (pending)
                    return Error::corrupt;
                TFS_TRY(cursor.read_varint(&total));
                if (total > kMaxRecordBytes || (options.fs_bytes && total > options.fs_bytes))
                    return Error::limit;
                TFS_TRY(record.reserve(total));
                collected = 0;
                record_version = version;
                pending = true;
            } else if (!pending) {
                return Error::corrupt;
            }
            TFS_TRY(cursor.read_varint(&chunk));
            if (chunk > total - collected)
                return Error::corrupt;
            if (options.observer)
                options.observer->on_frame(extension_sector, frame_offset, FrameCode(code),
                                           first ? total : chunk, first ? chunk : 0);
            TFS_TRY(cursor.read_bytes(MutableBytes(record.data() + collected, size_t(chunk))));
            collected += chunk;
            if (collected == total) {
                pending = false;
                TFS_TRY(decoder.decode(Bytes(record.data(), size_t(total)), record_version));
            }
            break;
        }
        case FrameCode::extension_link: {
            uint64_t sector, count;
            TFS_TRY(cursor.read_varint(&sector));
            TFS_TRY(cursor.read_varint(&count));
            if (options.observer)
                options.observer->on_frame(extension_sector, frame_offset,
                                           FrameCode::extension_link, sector, count);
            if (count == 0 || count > kMaxLinkSectors || sector == 0)
                return Error::corrupt;
            if (sector > UINT64_MAX / kSectorSize - count)
                return Error::corrupt;
            if (options.fs_bytes && (sector + count) * kSectorSize > options.fs_bytes)
                return Error::corrupt;
            if (++extensions > kMaxLogExtensions)
                return Error::limit;
            extension_sector = sector;
            cursor.start(sector * kSectorSize, count * kSectorSize);
            TFS_TRY(read_extension_header(cursor, &version));
            if (options.observer)
                options.observer->on_extension(sector, count, version);
            break;
        }
        default:
            return Error::corrupt;
        }
    }
}

} // namespace tfs
