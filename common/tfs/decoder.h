// decoder.h: the log-wide dictionary and the record decoder (tfs.md 5.2-5.6, 5.9). It applies one
// record at a time to a Tree; the log framing that produces records is in filesystem.cpp.
#pragma once

#include "common/tfs/value.h"
#include "common/tfs/varint.h"

#include <cstddef>
#include <cstdint>

namespace tfs {

// Dictionary index -> symbol name or tuple/vector. Indexes start at 1. Grows by doubling through
// the tree's allocator; a failed growth is Error::no_memory.
class Dictionary {
  public:
    explicit Dictionary(common::Allocator& allocator) : m_allocator(allocator) {}
    ~Dictionary();
    Dictionary(const Dictionary&) = delete;
    Dictionary& operator=(const Dictionary&) = delete;

    Error add_symbol(Bytes name);
    Error add_value(Value* value);
    // Number of entries so far (the last index given out).
    uint64_t size() const { return m_count; }
    // Lookups return false for index 0, out-of-range indexes and entries of the other kind.
    bool symbol(uint64_t index, Bytes* out) const;
    Value* value(uint64_t index) const;

  private:
    struct Slot {
        Value* value; // nullptr for a symbol
        Bytes name;
    };
    Error push(const Slot& slot);

    common::Allocator& m_allocator;
    Slot* m_slots = nullptr;
    uint64_t m_count = 0;
    uint64_t m_capacity = 0;
};

// Told about every entry a record applies to an already existing (referenced) tuple: the value
// the attribute had before (nullptr if none) and its new one (nullptr = deleted). The writable
// layer counts obsolete updates with it (log_stats.h).
class UpdateObserver {
  public:
    virtual void on_update(const Value* old_value, const Value* new_value) = 0;

  protected:
    ~UpdateObserver() = default;
};

// Decodes records into a tree. version is the version of the extension holding the record.
class RecordDecoder {
  public:
    RecordDecoder(Tree& tree, Dictionary& dictionary, UpdateObserver* updates = nullptr)
        : m_tree(tree), m_dictionary(dictionary), m_updates(updates) {}
    // Decodes exactly one value that must consume the whole record. Names and strings are copied
    // into the tree, so the record buffer may be reused afterwards.
    Error decode(Bytes record, uint64_t version);

  private:
    // One decoded value, or "no value" (the 80 byte: delete / empty element).
    struct Decoded {
        Value* value = nullptr;
    };
    Error decode_value(ByteReader& reader, unsigned depth, Decoded* out);
    Error decode_name(ByteReader& reader, Bytes* out);
    Error decode_tuple(ByteReader& reader, const Header& h, unsigned depth, Decoded* out);
    Error decode_vector(ByteReader& reader, const Header& h, unsigned depth, Decoded* out);

    Tree& m_tree;
    Dictionary& m_dictionary;
    UpdateObserver* m_updates;
    uint64_t m_version = kVersion;
};

} // namespace tfs
