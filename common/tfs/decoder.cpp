// decoder.cpp: record decoding against the log-wide dictionary (tfs.md 5.6). Every count and index
// from the record is checked; recursion is bounded by kMaxNesting.
#include "common/tfs/decoder.h"

#include "common/tfs/format.h"

namespace tfs {

Dictionary::~Dictionary() {
    if (m_slots)
        m_allocator.deallocate(m_slots, m_capacity * sizeof(Slot));
}

Error Dictionary::push(const Slot& slot) {
    if (m_count >= kMaxDictionaryEntries)
        return Error::limit;
    if (m_count == m_capacity) {
        uint64_t fresh = m_capacity ? m_capacity * 2 : 256;
        void* p = m_allocator.allocate(fresh * sizeof(Slot), alignof(Slot));
        if (!p)
            return Error::no_memory;
        Slot* slots = static_cast<Slot*>(p);
        for (uint64_t i = 0; i < m_count; i++)
            slots[i] = m_slots[i];
        if (m_slots)
            m_allocator.deallocate(m_slots, m_capacity * sizeof(Slot));
        m_slots = slots;
        m_capacity = fresh;
    }
    m_slots[m_count++] = slot;
    return Error::none;
}

Error Dictionary::add_symbol(Bytes name) {
    return push(Slot{nullptr, name});
}
Error Dictionary::add_value(Value* value) {
    return push(Slot{value, Bytes()});
}

bool Dictionary::symbol(uint64_t index, Bytes* out) const {
    if (index == 0 || index > m_count || m_slots[index - 1].value)
        return false;
    *out = m_slots[index - 1].name;
    return true;
}

Value* Dictionary::value(uint64_t index) const {
    if (index == 0 || index > m_count)
        return nullptr;
    return m_slots[index - 1].value;
}

Error RecordDecoder::decode(Bytes record, uint64_t version) {
    m_version = version;
    ByteReader reader(record);
    Decoded top;
    TFS_TRY(decode_value(reader, 0, &top));
    if (!reader.at_end())
        return Error::corrupt;
    return Error::none;
}

// An attribute name: immediate = a new symbol, reference = a known symbol (5.3).
Error RecordDecoder::decode_name(ByteReader& reader, Bytes* out) {
    Header h;
    TFS_TRY(reader.read_header(m_version, &h));
    // The ops reader insists on type 0; Nanos ignores the type. Follow Nanos.
    if (!h.immediate) {
        if (!m_dictionary.symbol(h.length, out))
            return Error::corrupt;
        return Error::none;
    }
    Bytes raw;
    if (h.length > reader.remaining() || !reader.read_bytes(size_t(h.length), &raw))
        return Error::truncated;
    if (!m_tree.copy(raw, out))
        return Error::no_memory;
    return m_dictionary.add_symbol(*out);
}

Error RecordDecoder::decode_tuple(ByteReader& reader, const Header& h, unsigned depth,
                                  Decoded* out) {
    Value* tuple;
    if (h.immediate) {
        tuple = m_tree.make_tuple();
        if (!tuple)
            return Error::no_memory;
        TFS_TRY(m_dictionary.add_value(tuple));
    } else {
        uint64_t index;
        if (!reader.read_varint(&index))
            return Error::truncated;
        tuple = m_dictionary.value(index);
        if (!tuple || !tuple->is_tuple())
            return Error::corrupt;
    }
    // Each entry takes at least two bytes, so a count beyond that is corrupt, not a long loop.
    if (h.length > reader.remaining() / 2)
        return Error::truncated;
    for (uint64_t i = 0; i < h.length; i++) {
        Bytes name;
        TFS_TRY(decode_name(reader, &name));
        Decoded v;
        TFS_TRY(decode_value(reader, depth + 1, &v));
        // "." and ".." are the kernel's parent pointers leaking into the log (6.7): never keep
        // them, so no walk over the tree can follow them back up.
        bool dots = (name.size() == 1 && name[0] == '.') ||
                    (name.size() == 2 && name[0] == '.' && name[1] == '.');
        if (dots)
            continue;
        if (m_updates && !h.immediate)
            m_updates->on_update(tuple_get(tuple, name), v.value);
        if (!v.value)
            m_tree.remove(tuple, name);
        else
            TFS_TRY(m_tree.set(tuple, name, v.value));
    }
    out->value = tuple;
    return Error::none;
}

Error RecordDecoder::decode_vector(ByteReader& reader, const Header& h, unsigned depth,
                                   Decoded* out) {
    Value* vector;
    if (h.immediate) {
        vector = m_tree.make_vector();
        if (!vector)
            return Error::no_memory;
        TFS_TRY(m_dictionary.add_value(vector));
    } else {
        uint64_t index;
        if (!reader.read_varint(&index))
            return Error::truncated;
        vector = m_dictionary.value(index);
        if (!vector || !vector->is_vector())
            return Error::corrupt;
    }
    if (h.length > reader.remaining())
        return Error::truncated;
    for (uint64_t i = 0; i < h.length; i++) {
        Decoded v;
        TFS_TRY(decode_value(reader, depth + 1, &v));
        TFS_TRY(m_tree.vector_set(vector, size_t(i), v.value));
    }
    out->value = vector;
    return Error::none;
}

Error RecordDecoder::decode_value(ByteReader& reader, unsigned depth, Decoded* out) {
    if (depth > kMaxNesting)
        return Error::limit;
    Header h;
    TFS_TRY(reader.read_header(m_version, &h));
    switch (h.type) {
    case TypeCode::tuple:
        return decode_tuple(reader, h, depth, out);
    case TypeCode::vector:
        return decode_vector(reader, h, depth, out);
    case TypeCode::integer: {
        uint64_t magnitude;
        if (!h.immediate || h.length > 1)
            return Error::corrupt;
        if (!reader.read_varint(&magnitude))
            return Error::truncated;
        out->value = m_tree.make_integer(magnitude, h.length == 1);
        return out->value ? Error::none : Error::no_memory;
    }
    case TypeCode::string:
    case TypeCode::buffer:
        break;
    }
    if (h.immediate) {
        if (h.type == TypeCode::buffer && h.length == 0) {
            out->value = nullptr; // "no value": delete / empty element
            return Error::none;
        }
        Bytes raw;
        if (h.length > reader.remaining() || !reader.read_bytes(size_t(h.length), &raw))
            return Error::truncated;
        if (h.type == TypeCode::buffer && h.length == 1 && raw[0] == 0) {
            out->value = m_tree.null_flag();
        } else {
            out->value = m_tree.make_string(raw); // type 4, or a legacy type-0 byte string
        }
        return out->value ? Error::none : Error::no_memory;
    }
    // Legacy reference string or symbol (5.1): the dictionary entry, a symbol read as a string.
    Bytes name;
    if (m_dictionary.symbol(h.length, &name)) {
        out->value = m_tree.make_string_shared(name);
        return out->value ? Error::none : Error::no_memory;
    }
    out->value = m_dictionary.value(h.length);
    return out->value ? Error::none : Error::corrupt;
}

} // namespace tfs
