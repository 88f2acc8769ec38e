// encoder.h: encoding values into records with a writer-side dictionary (tfs.md 5.2, 5.7), plus
// the growable byte buffer records are built in. Used by writer.cpp; the kernel may reuse it.
#pragma once

#include "common/base/allocator.h"
#include "common/tfs/decoder.h"
#include "common/tfs/format.h"
#include "common/tfs/value.h"

#include <cstddef>
#include <cstdint>

namespace tfs {

// A growable byte array from an Allocator. Appends fail with Error::no_memory, never crash.
class ByteBuffer {
  public:
    explicit ByteBuffer(common::Allocator& allocator) : m_allocator(allocator) {}
    ~ByteBuffer();
    ByteBuffer(const ByteBuffer&) = delete;
    ByteBuffer& operator=(const ByteBuffer&) = delete;

    Error append(Bytes bytes);
    Error append_u8(uint8_t b) { return append(Bytes(&b, 1)); }
    Error append_varint(uint64_t v);
    void clear() { m_size = 0; }
    Bytes bytes() const { return Bytes(m_data, m_size); }
    size_t size() const { return m_size; }

  private:
    common::Allocator& m_allocator;
    uint8_t* m_data = nullptr;
    size_t m_size = 0;
    size_t m_capacity = 0;
};

// Open-addressing map from a key to a dictionary index, through an Allocator. Keys are byte
// strings (symbols) or object addresses (tuples, vectors); the bytes must outlive the map.
class IndexMap {
  public:
    enum class Keys : uint8_t { bytes, addresses };
    // With Keys::addresses, keys are made by address_key() and compared by address only.
    IndexMap(common::Allocator& allocator, Keys keys) : m_allocator(allocator), m_keys(keys) {}
    static Bytes address_key(const void* object) {
        return Bytes(static_cast<const uint8_t*>(object), 0);
    }
    ~IndexMap();
    IndexMap(const IndexMap&) = delete;
    IndexMap& operator=(const IndexMap&) = delete;

    bool find(Bytes key, uint64_t* index) const;
    Error insert(Bytes key, uint64_t index);
    // Exchanges the contents of two maps of the same kind and allocator.
    void swap(IndexMap& other);

  private:
    struct Slot {
        Bytes key;
        uint64_t hash;
        uint64_t index; // 0 = empty
    };
    uint64_t hash_of(Bytes key) const;
    bool same(Bytes a, Bytes b) const;
    Error grow();

    common::Allocator& m_allocator;
    Keys m_keys;
    Slot* m_slots = nullptr;
    size_t m_capacity = 0; // a power of two
    size_t m_count = 0;
};

// Encodes values as records, numbering symbols, tuples and vectors as a reader will (5.2).
// Tuples and vectors met again become references with 0 entries (a hard link). Strings, integers,
// null flags and vector holes use their only forms (5.7). Nesting is bounded by kMaxNesting.
class Encoder {
  public:
    explicit Encoder(common::Allocator& allocator)
        : m_symbols(allocator, IndexMap::Keys::bytes),
          m_objects(allocator, IndexMap::Keys::addresses) {}

    // Appends one full value to out.
    Error encode(const Value* value, ByteBuffer& out);
    // Continues the numbering of a replayed log (5.2): the symbols, tuples and vectors of
    // `dictionary` are written as references from now on, and new ones are numbered after its last
    // entry. Call once, before encoding anything. The dictionary's names must outlive the encoder.
    Error continue_from(const Dictionary& dictionary);
    // Appends an attribute update record (5.5): `11 <index of tuple> <name> <value>`, with value
    // nullptr written as a deletion (80). The tuple must already be numbered (Error::
    // invalid_argument otherwise). The name bytes must outlive the encoder if they are new.
    // On any failure the numbering may have advanced past what was appended: the caller must
    // stop using this encoder (and the log it feeds).
    Error encode_update(const Value* tuple, Bytes name, const Value* value, ByteBuffer& out);
    // Dictionary entries handed out so far.
    uint64_t dictionary_size() const { return m_next - 1; }
    // Whether a tuple or vector has an index (was encoded or continued from the dictionary).
    bool is_numbered(const Value* value) const;
    // Exchanges the numbering of two encoders built from the same allocator (a compacted log
    // takes over the fresh encoder that numbered its root record).
    void swap(Encoder& other);

  private:
    Error encode_value(const Value* value, ByteBuffer& out, unsigned depth);
    Error encode_name(Bytes name, ByteBuffer& out);
    Error header(ByteBuffer& out, bool immediate, TypeCode type, uint64_t length);

    IndexMap m_symbols;
    IndexMap m_objects;
    uint64_t m_next = 1;
};

} // namespace tfs
