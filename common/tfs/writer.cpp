// writer.cpp: file placement, record chunking across extensions (tfs.md 4.4) and the write order
// data -> log -> sector 0 (7.4), so a torn write never leaves a log pointing at garbage.
#include "common/tfs/writer.h"

#include "common/tfs/varint.h"

namespace tfs {

// File data is copied through a buffer of this size.
static constexpr size_t kCopyBytes = 64 * 1024;
// NAME_MAX, as used by Nanos (5.8).
static constexpr size_t kMaxNameBytes = 255;
// Spare space the kernel needs for two new log extensions before it allocates data (6.8).
static constexpr uint64_t kWritableSpareBytes = 2 * kExtensionBytes;

uint64_t padded_fs_size(uint64_t bytes_used) {
    uint64_t want = bytes_used + kWritableSpareBytes;
    return (want + kExtensionBytes - 1) / kExtensionBytes * kExtensionBytes;
}

Builder::Builder(common::Allocator& allocator)
    : m_allocator(allocator), m_tree(allocator),
      m_file_index(allocator, IndexMap::Keys::addresses) {}

Value* Builder::root() {
    if (!m_root) {
        Value* root = m_tree.make_tuple();
        Value* children = m_tree.make_tuple();
        if (!root || !children || m_tree.set(root, "children", children) != Error::none)
            return nullptr;
        m_root = root;
    }
    return m_root;
}

static bool valid_name(Bytes name) {
    if (name.empty() || name.size() > kMaxNameBytes)
        return false;
    if ((name.size() == 1 && name[0] == '.') ||
        (name.size() == 2 && name[0] == '.' && name[1] == '.'))
        return false;
    for (uint8_t c : name)
        if (c == '/' || c == 0)
            return false;
    return true;
}

Error Builder::add_entry(Value* dir, Bytes name, Value* node) {
    if (!valid_name(name) || !node)
        return node ? Error::invalid_argument : Error::no_memory;
    Value* children = dir ? m_tree.mutable_get(dir, common::bytes_of("children")) : nullptr;
    if (!children || !children->is_tuple())
        return Error::not_a_directory;
    Bytes stored;
    if (!m_tree.copy(name, &stored))
        return Error::no_memory;
    return m_tree.set(children, stored, node);
}

Error Builder::add_directory(Value* dir, Bytes name, Value** out) {
    Value* children = dir ? m_tree.mutable_get(dir, common::bytes_of("children")) : nullptr;
    Value* existing = children ? m_tree.mutable_get(children, name) : nullptr;
    if (existing && tuple_get(existing, "children")) {
        if (out)
            *out = existing;
        return Error::none;
    }
    Value* node = m_tree.make_tuple();
    Value* entries = m_tree.make_tuple();
    if (!node || !entries)
        return Error::no_memory;
    TFS_TRY(m_tree.set(node, "children", entries));
    TFS_TRY(add_entry(dir, name, node));
    if (out)
        *out = node;
    return Error::none;
}

Error Builder::add_directories(Bytes path, Value** out) {
    Value* dir = root();
    if (!dir)
        return Error::no_memory;
    size_t i = 0;
    while (i < path.size()) {
        while (i < path.size() && path[i] == '/')
            i++;
        size_t start = i;
        while (i < path.size() && path[i] != '/')
            i++;
        if (i > start)
            TFS_TRY(add_directory(dir, path.slice(start, i - start), &dir));
    }
    if (out)
        *out = dir;
    return Error::none;
}

Error Builder::add_file(Value* dir, Bytes name, uint64_t size, FileContent* content, Value** out) {
    if (size && !content)
        return Error::invalid_argument;
    if (size > UINT64_MAX / 2)
        return Error::invalid_argument;
    Value* node = m_tree.make_tuple();
    TFS_TRY(add_entry(dir, name, node));
    if (m_file_count == m_file_capacity) {
        size_t fresh = m_file_capacity ? m_file_capacity * 2 : 64;
        void* p = m_tree.arena().reallocate(m_files, m_file_count * sizeof(File),
                                            fresh * sizeof(File), alignof(File));
        if (!p)
            return Error::no_memory;
        m_files = static_cast<File*>(p);
        m_file_capacity = fresh;
    }
    m_files[m_file_count] = File{node, size, content, 0};
    TFS_TRY(m_file_index.insert(IndexMap::address_key(node), ++m_file_count));
    if (out)
        *out = node;
    return Error::none;
}

Error Builder::add_symlink(Value* dir, Bytes name, Bytes target, Value** out) {
    if (target.empty())
        return Error::invalid_argument; // ops readers drop empty strings (5.7)
    Value* node = m_tree.make_tuple();
    Value* link = m_tree.make_string(target);
    if (!node || !link)
        return Error::no_memory;
    TFS_TRY(m_tree.set(node, "linktarget", link));
    TFS_TRY(add_entry(dir, name, node));
    if (out)
        *out = node;
    return Error::none;
}

Error Builder::set_attribute(Value* tuple, Bytes name, Value* value) {
    if (name.empty() || !value)
        return Error::invalid_argument;
    Bytes stored;
    if (!m_tree.copy(name, &stored))
        return Error::no_memory;
    return m_tree.set(tuple, stored, value);
}

// Walks directories in name order and gives each file reached its data run and extents.
Error Builder::place_files(const Value* dir, unsigned depth, uint64_t* next_sector) {
    if (depth > kMaxNesting / 2)
        return Error::limit;
    const Value* children = tuple_get(dir, "children");
    for (size_t i = 0; i < children->entry_count(); i++) {
        Value* node = children->entry(i).value;
        if (!node->is_tuple())
            continue;
        if (tuple_get(node, "children")) {
            TFS_TRY(place_files(node, depth + 1, next_sector));
            continue;
        }
        uint64_t slot;
        if (!m_file_index.find(IndexMap::address_key(node), &slot))
            continue;
        File& f = m_files[slot - 1];
        if (f.first_sector)
            continue; // the same node under a second name
        uint64_t blocks = (f.size + kSectorSize - 1) / kSectorSize;
        if (blocks > UINT64_MAX / kSectorSize - *next_sector - kExtensionSectors)
            return Error::limit;
        f.first_sector = *next_sector;
        *next_sector += blocks;
        m_order[m_order_count++] = size_t(slot - 1);
        Value* extents = m_tree.make_tuple();
        Value* length = m_tree.make_integer(f.size);
        if (!extents || !length)
            return Error::no_memory;
        for (uint64_t b = 0; b < blocks; b += kMaxExtentBlocks) {
            uint64_t n = blocks - b < kMaxExtentBlocks ? blocks - b : kMaxExtentBlocks;
            uint8_t digits[20];
            Bytes key;
            Value* extent = m_tree.make_tuple();
            Value* count = m_tree.make_integer(n);
            Value* offset = m_tree.make_integer(f.first_sector + b);
            if (!extent || !count || !offset ||
                !m_tree.copy(Bytes(digits, format_decimal(b, digits)), &key))
                return Error::no_memory;
            TFS_TRY(m_tree.set(extent, "allocated", count));
            TFS_TRY(m_tree.set(extent, "length", count));
            TFS_TRY(m_tree.set(extent, "offset", offset));
            TFS_TRY(m_tree.set(extents, key, extent));
        }
        TFS_TRY(m_tree.set(node, "extents", extents));
        TFS_TRY(m_tree.set(node, "filelength", length));
    }
    return Error::none;
}

Error Builder::write_data(BlockSink& sink) {
    uint8_t* buffer = static_cast<uint8_t*>(m_allocator.allocate(kCopyBytes, 1));
    if (!buffer)
        return Error::no_memory;
    Error error = Error::none;
    for (size_t i = 0; i < m_order_count && error == Error::none; i++) {
        const File& f = m_files[m_order[i]];
        uint64_t base = f.first_sector * kSectorSize;
        for (uint64_t done = 0; done < f.size;) {
            size_t n = f.size - done < kCopyBytes ? size_t(f.size - done) : kCopyBytes;
            if (!f.content->read(done, MutableBytes(buffer, n))) {
                error = Error::io;
                break;
            }
            // Zero the tail of the last sector (6.3: padding is zero).
            size_t padded = size_t((n + kSectorSize - 1) / kSectorSize * kSectorSize);
            fill_zero(buffer + n, padded - n);
            if (!sink.write(base + done, Bytes(buffer, padded))) {
                error = Error::io;
                break;
            }
            done += n;
        }
    }
    m_allocator.deallocate(buffer, kCopyBytes);
    return error;
}

namespace {

// One extension being filled in memory (512 KiB), written when it is closed.
class ExtensionBuffer {
  public:
    explicit ExtensionBuffer(uint8_t* data) : m_data(data) {}
    void start() {
        fill_zero(m_data, kExtensionBytes);
        m_used = 0;
        put(Bytes(kMagic, sizeof(kMagic)));
        put_varint(kVersion);
        put_varint(kExtensionSectors);
    }
    void put(Bytes b) {
        copy_bytes(m_data + m_used, b.data(), b.size());
        m_used += b.size();
    }
    void put_u8(uint8_t b) { m_data[m_used++] = b; }
    void put_varint(uint64_t v) { m_used += encode_varint(v, m_data + m_used); }
    uint64_t used() const { return m_used; }
    Bytes bytes() const { return Bytes(m_data, kExtensionBytes); }

  private:
    uint8_t* m_data;
    uint64_t m_used = 0;
};

} // namespace

Error Builder::write_log(BlockSink& sink, Bytes record, uint64_t data_end, WriteResult* result) {
    uint8_t* data = static_cast<uint8_t*>(m_allocator.allocate(kExtensionBytes, 1));
    if (!data)
        return Error::no_memory;
    ExtensionBuffer ext(data);
    ext.start();
    uint64_t sector = kFirstExtensionSector;
    uint64_t next_sector = data_end; // later extensions go after the data
    uint64_t extensions = 1;
    uint64_t done = 0;
    Error error = Error::none;
    while (done < record.size()) {
        if (ext.used() + kCloseExtensionMargin >= kExtensionBytes) {
            ext.put_u8(uint8_t(FrameCode::extension_link));
            ext.put_varint(next_sector);
            ext.put_varint(kExtensionSectors);
            ext.put_u8(uint8_t(FrameCode::end_of_log));
            if (!sink.write(sector * kSectorSize, ext.bytes())) {
                error = Error::io;
                break;
            }
            sector = next_sector;
            next_sector += kExtensionSectors;
            extensions++;
            ext.start();
        }
        uint64_t room = kExtensionBytes - ext.used() - kChunkMargin;
        uint64_t chunk = record.size() - done < room ? record.size() - done : room;
        if (done == 0) {
            ext.put_u8(uint8_t(FrameCode::tuple_available));
            ext.put_varint(record.size());
        } else {
            ext.put_u8(uint8_t(FrameCode::tuple_extended));
        }
        ext.put_varint(chunk);
        ext.put(record.slice(size_t(done), size_t(chunk)));
        done += chunk;
    }
    if (error == Error::none) {
        ext.put_u8(uint8_t(FrameCode::end_of_log));
        if (!sink.write(sector * kSectorSize, ext.bytes()))
            error = Error::io;
    }
    m_allocator.deallocate(data, kExtensionBytes);
    uint64_t end = sector + kExtensionSectors > data_end ? sector + kExtensionSectors : data_end;
    result->bytes_used = end * kSectorSize;
    result->log_extensions = extensions;
    result->record_bytes = record.size();
    return error;
}

Error Builder::write(BlockSink& sink, const WriteOptions& options, WriteResult* result) {
    if (options.label.size() > kMaxLabelBytes)
        return Error::invalid_argument;
    for (uint8_t c : options.label)
        if (c == 0)
            return Error::invalid_argument;
    Value* top = root();
    if (!top)
        return Error::no_memory;
    m_order = static_cast<size_t*>(m_tree.arena().allocate(
        (m_file_count ? m_file_count : 1) * sizeof(size_t), alignof(size_t)));
    if (!m_order)
        return Error::no_memory;
    m_order_count = 0;
    for (size_t i = 0; i < m_file_count; i++)
        m_files[i].first_sector = 0;
    uint64_t data_end = kFirstDataSector;
    TFS_TRY(place_files(top, 0, &data_end));

    ByteBuffer record(m_allocator);
    Encoder encoder(m_allocator);
    TFS_TRY(encoder.encode(top, record));

    TFS_TRY(write_data(sink));
    TFS_TRY(write_log(sink, record.bytes(), data_end, result));

    // Sector 0 last: header with uuid and label, a link to sector 1, END_OF_LOG.
    uint8_t sector0[kSectorSize];
    fill_zero(sector0, sizeof(sector0));
    size_t n = 0;
    copy_bytes(sector0, kMagic, sizeof(kMagic));
    n += sizeof(kMagic);
    n += encode_varint(kVersion, sector0 + n);
    n += encode_varint(1, sector0 + n);
    copy_bytes(sector0 + n, options.uuid, kUuidBytes);
    n += kUuidBytes;
    copy_bytes(sector0 + n, options.label.data(), options.label.size());
    n += options.label.size() + 1;
    sector0[n++] = uint8_t(FrameCode::extension_link);
    n += encode_varint(kFirstExtensionSector, sector0 + n);
    n += encode_varint(kExtensionSectors, sector0 + n);
    sector0[n++] = uint8_t(FrameCode::end_of_log);
    if (!sink.write(0, Bytes(sector0, sizeof(sector0))))
        return Error::io;
    return Error::none;
}

} // namespace tfs
