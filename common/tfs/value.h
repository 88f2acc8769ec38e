// value.h: the in-memory value tree of a TFS log (tfs.md 5): tuples, vectors, strings, integers and
// null flags, all living in a Tree's arena. Readers get const Values; only Tree mutates them.
#pragma once

#include "common/base/span.h"
#include "common/tfs/arena.h"
#include "common/tfs/error.h"

#include <cstddef>
#include <cstdint>

namespace tfs {

using common::Bytes;
using common::MutableBytes;

enum class ValueKind : uint8_t { tuple, vector, string, integer, null_flag };

class Value;

// One attribute of a tuple. Names are compared bytewise; a tuple keeps its entries sorted by name.
struct Entry {
    Bytes name;
    Value* value;
};

class Value {
  public:
    ValueKind kind() const { return m_kind; }
    bool is_tuple() const { return m_kind == ValueKind::tuple; }
    bool is_vector() const { return m_kind == ValueKind::vector; }
    bool is_string() const { return m_kind == ValueKind::string; }
    bool is_integer() const { return m_kind == ValueKind::integer; }
    bool is_null_flag() const { return m_kind == ValueKind::null_flag; }

    // Tuples: entries in ascending bytewise name order.
    size_t entry_count() const { return m_kind == ValueKind::tuple ? m_count : 0; }
    const Entry& entry(size_t i) const { return m_entries[i]; }
    // Vectors: elements may be nullptr (an empty element, written as 80).
    size_t element_count() const { return m_kind == ValueKind::vector ? m_count : 0; }
    const Value* element(size_t i) const { return m_elements[i]; }
    // Strings (type 4, and legacy type-0 byte strings).
    Bytes string() const { return m_kind == ValueKind::string ? Bytes(m_bytes, m_count) : Bytes(); }
    // Integers: sign and magnitude as stored (tfs.md 5.1).
    bool negative() const { return m_negative; }
    uint64_t magnitude() const { return m_magnitude; }

  private:
    friend class Tree;
    Value() = default;

    ValueKind m_kind = ValueKind::null_flag;
    bool m_negative = false;
    uint32_t m_capacity = 0;
    size_t m_count = 0;
    union {
        Entry* m_entries;
        Value** m_elements;
        const uint8_t* m_bytes;
        uint64_t m_magnitude = 0;
    };
};

// Lookup of an attribute by name; nullptr if absent or if t is not a tuple.
const Value* tuple_get(const Value* t, Bytes name);
inline const Value* tuple_get(const Value* t, const char* name) {
    return tuple_get(t, common::bytes_of(name));
}
// Reads a string value. False if v is absent or not a string.
bool value_as_string(const Value* v, Bytes* out);
// Reads a non-negative number: an integer, or a decimal string (tfs.md 8). False otherwise.
bool value_as_u64(const Value* v, uint64_t* out);
// Structural equality (same kinds, same entries, same elements), bounded by kMaxNesting.
bool values_equal(const Value* a, const Value* b);

// Owns the arena that holds every Value, entry array and byte string of one tree. Not
// thread-safe; allocates only from the arena. Failures return nullptr / Error::no_memory.
class Tree {
  public:
    explicit Tree(common::Allocator& allocator) : m_arena(allocator) {}
    Tree(const Tree&) = delete;
    Tree& operator=(const Tree&) = delete;

    Value* make_tuple();
    Value* make_vector();
    // Copies the bytes into the arena.
    Value* make_string(Bytes bytes);
    Value* make_string(const char* text) { return make_string(common::bytes_of(text)); }
    // Keeps a reference to bytes that already live in this tree's arena (no copy).
    Value* make_string_shared(Bytes bytes);
    Value* make_integer(uint64_t magnitude, bool negative = false);
    // The null flag is immutable, so one object serves the whole tree.
    Value* null_flag();

    // Copies bytes into the arena (for names that outlive a record buffer).
    bool copy(Bytes bytes, Bytes* out);
    // Sets (or overwrites) an attribute. The name bytes must live at least as long as the tree:
    // use copy() first for transient names.
    Error set(Value* tuple, Bytes name, Value* value);
    Error set(Value* tuple, const char* name, Value* value);
    // Removes an attribute if present.
    void remove(Value* tuple, Bytes name);
    // Stores element i of a vector, growing it with empty elements as needed.
    Error vector_set(Value* vector, size_t i, Value* value);
    Error vector_append(Value* vector, Value* value) {
        return vector_set(vector, vector->m_count, value);
    }
    Value* mutable_get(Value* tuple, Bytes name) {
        return const_cast<Value*>(tuple_get(tuple, name));
    }

    Arena& arena() { return m_arena; }

  private:
    Value* make(ValueKind kind);
    Arena m_arena;
    Value* m_null_flag = nullptr;
};

} // namespace tfs
