// encoder.cpp: ByteBuffer, IndexMap and the value encoder (tfs.md 5.7). The encoder emits the
// shortest headers and varints and entries in each tuple's (sorted) order, so output is
// deterministic for a given tree.
#include "common/tfs/encoder.h"

#include "common/tfs/format.h"
#include "common/tfs/varint.h"

namespace tfs {

ByteBuffer::~ByteBuffer() {
    if (m_data)
        m_allocator.deallocate(m_data, m_capacity);
}

Error ByteBuffer::append(Bytes bytes) {
    if (bytes.size() > m_capacity - m_size) {
        if (bytes.size() > SIZE_MAX / 2 - m_size)
            return Error::no_memory;
        size_t fresh = m_capacity ? m_capacity : 4096;
        while (fresh < m_size + bytes.size())
            fresh *= 2;
        uint8_t* data = static_cast<uint8_t*>(m_allocator.allocate(fresh, 1));
        if (!data)
            return Error::no_memory;
        copy_bytes(data, m_data, m_size);
        if (m_data)
            m_allocator.deallocate(m_data, m_capacity);
        m_data = data;
        m_capacity = fresh;
    }
    copy_bytes(m_data + m_size, bytes.data(), bytes.size());
    m_size += bytes.size();
    return Error::none;
}

Error ByteBuffer::append_varint(uint64_t v) {
    uint8_t tmp[kMaxVarintBytes];
    return append(Bytes(tmp, encode_varint(v, tmp)));
}

IndexMap::~IndexMap() {
    if (m_slots)
        m_allocator.deallocate(m_slots, m_capacity * sizeof(Slot));
}

uint64_t IndexMap::hash_of(Bytes key) const {
    if (m_keys == Keys::addresses) {
        uint64_t a = reinterpret_cast<uintptr_t>(key.data());
        return (a >> 4) * 0x9e3779b97f4a7c15ull;
    }
    uint64_t h = 0xcbf29ce484222325ull; // FNV-1a
    for (uint8_t b : key)
        h = (h ^ b) * 0x100000001b3ull;
    return h;
}

bool IndexMap::same(Bytes a, Bytes b) const {
    if (m_keys == Keys::addresses)
        return a.data() == b.data();
    return common::bytes_equal(a, b);
}

bool IndexMap::find(Bytes key, uint64_t* index) const {
    if (!m_capacity)
        return false;
    uint64_t h = hash_of(key);
    for (size_t i = size_t(h) & (m_capacity - 1);; i = (i + 1) & (m_capacity - 1)) {
        const Slot& s = m_slots[i];
        if (!s.index)
            return false;
        if (s.hash == h && same(s.key, key)) {
            *index = s.index;
            return true;
        }
    }
}

Error IndexMap::grow() {
    size_t fresh = m_capacity ? m_capacity * 2 : 256;
    Slot* slots = static_cast<Slot*>(m_allocator.allocate(fresh * sizeof(Slot), alignof(Slot)));
    if (!slots)
        return Error::no_memory;
    for (size_t i = 0; i < fresh; i++)
        slots[i] = Slot{Bytes(), 0, 0};
    for (size_t j = 0; j < m_capacity; j++) {
        if (!m_slots[j].index)
            continue;
        size_t i = size_t(m_slots[j].hash) & (fresh - 1);
        while (slots[i].index)
            i = (i + 1) & (fresh - 1);
        slots[i] = m_slots[j];
    }
    if (m_slots)
        m_allocator.deallocate(m_slots, m_capacity * sizeof(Slot));
    m_slots = slots;
    m_capacity = fresh;
    return Error::none;
}

void IndexMap::swap(IndexMap& other) {
    Slot* slots = m_slots;
    size_t capacity = m_capacity, count = m_count;
    m_slots = other.m_slots;
    m_capacity = other.m_capacity;
    m_count = other.m_count;
    other.m_slots = slots;
    other.m_capacity = capacity;
    other.m_count = count;
}

Error IndexMap::insert(Bytes key, uint64_t index) {
    if ((m_count + 1) * 2 > m_capacity)
        TFS_TRY(grow());
    uint64_t h = hash_of(key);
    size_t i = size_t(h) & (m_capacity - 1);
    while (m_slots[i].index)
        i = (i + 1) & (m_capacity - 1);
    m_slots[i] = Slot{key, h, index};
    m_count++;
    return Error::none;
}

Error Encoder::header(ByteBuffer& out, bool immediate, TypeCode type, uint64_t length) {
    uint8_t tmp[kMaxHeaderBytes];
    return out.append(Bytes(tmp, encode_header(immediate, type, length, tmp)));
}

Error Encoder::encode(const Value* value, ByteBuffer& out) {
    if (!value)
        return Error::invalid_argument;
    return encode_value(value, out, 0);
}

Error Encoder::continue_from(const Dictionary& dictionary) {
    if (m_next != 1)
        return Error::invalid_argument;
    for (uint64_t i = 1; i <= dictionary.size(); i++) {
        Bytes name;
        uint64_t known;
        if (dictionary.symbol(i, &name)) {
            // A log may spell one name immediate twice; either index reads back the same name.
            if (!m_symbols.find(name, &known))
                TFS_TRY(m_symbols.insert(name, i));
        } else if (const Value* value = dictionary.value(i)) {
            Bytes key = IndexMap::address_key(value);
            if (!m_objects.find(key, &known))
                TFS_TRY(m_objects.insert(key, i));
        }
    }
    m_next = dictionary.size() + 1;
    return Error::none;
}

bool Encoder::is_numbered(const Value* value) const {
    uint64_t index;
    return value && m_objects.find(IndexMap::address_key(value), &index);
}

void Encoder::swap(Encoder& other) {
    m_symbols.swap(other.m_symbols);
    m_objects.swap(other.m_objects);
    uint64_t next = m_next;
    m_next = other.m_next;
    other.m_next = next;
}

Error Encoder::encode_update(const Value* tuple, Bytes name, const Value* value, ByteBuffer& out) {
    uint64_t index;
    if (!tuple || !tuple->is_tuple() || name.empty() ||
        !m_objects.find(IndexMap::address_key(tuple), &index))
        return Error::invalid_argument;
    TFS_TRY(header(out, false, TypeCode::tuple, 1));
    TFS_TRY(out.append_varint(index));
    TFS_TRY(encode_name(name, out));
    return encode_value(value, out, 1);
}

Error Encoder::encode_name(Bytes name, ByteBuffer& out) {
    uint64_t index;
    if (m_symbols.find(name, &index))
        return header(out, false, TypeCode::buffer, index);
    TFS_TRY(m_symbols.insert(name, m_next++));
    TFS_TRY(header(out, true, TypeCode::buffer, name.size()));
    return out.append(name);
}

Error Encoder::encode_value(const Value* value, ByteBuffer& out, unsigned depth) {
    if (depth > kMaxNesting)
        return Error::limit;
    if (!value)
        return out.append_u8(0x80); // an empty vector element
    switch (value->kind()) {
    case ValueKind::tuple:
    case ValueKind::vector: {
        bool tuple = value->is_tuple();
        TypeCode type = tuple ? TypeCode::tuple : TypeCode::vector;
        // Identity, not content: a tuple met twice is one object (a hard link).
        uint64_t index;
        Bytes key = IndexMap::address_key(value);
        if (m_objects.find(key, &index)) {
            TFS_TRY(header(out, false, type, 0));
            return out.append_varint(index);
        }
        TFS_TRY(m_objects.insert(key, m_next++));
        if (tuple) {
            TFS_TRY(header(out, true, type, value->entry_count()));
            for (size_t i = 0; i < value->entry_count(); i++) {
                const Entry& e = value->entry(i);
                TFS_TRY(encode_name(e.name, out));
                TFS_TRY(encode_value(e.value, out, depth + 1));
            }
        } else {
            TFS_TRY(header(out, true, type, value->element_count()));
            for (size_t i = 0; i < value->element_count(); i++)
                TFS_TRY(encode_value(value->element(i), out, depth + 1));
        }
        return Error::none;
    }
    case ValueKind::string:
        TFS_TRY(header(out, true, TypeCode::string, value->string().size()));
        return out.append(value->string());
    case ValueKind::integer: {
        TFS_TRY(header(out, true, TypeCode::integer, value->negative() ? 1 : 0));
        return out.append_varint(value->magnitude());
    }
    case ValueKind::null_flag: {
        const uint8_t flag[2] = {0x81, 0x00};
        return out.append(Bytes(flag, 2));
    }
    }
    return Error::invalid_argument;
}

} // namespace tfs
