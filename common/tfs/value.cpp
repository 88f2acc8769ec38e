// value.cpp: tuple/vector storage and the typed accessors of value.h. Tuples are sorted arrays
// with binary search, so a writer that inserts names in order appends in O(1).
#include "common/tfs/value.h"

#include "common/tfs/format.h"
#include "common/tfs/varint.h"

#include <new>

namespace tfs {

// Bytewise comparison: negative, zero or positive like memcmp, shorter prefix first.
static int compare_names(Bytes a, Bytes b) {
    size_t n = a.size() < b.size() ? a.size() : b.size();
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    if (a.size() == b.size())
        return 0;
    return a.size() < b.size() ? -1 : 1;
}

// Index of the entry named `name`, or the insertion point with *found = false.
static size_t find_entry(const Entry* entries, size_t count, Bytes name, bool* found) {
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare_names(entries[mid].name, name);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

const Value* tuple_get(const Value* t, Bytes name) {
    if (!t || !t->is_tuple() || t->entry_count() == 0)
        return nullptr;
    bool found;
    size_t i = find_entry(&t->entry(0), t->entry_count(), name, &found);
    return found ? t->entry(i).value : nullptr;
}

bool value_as_string(const Value* v, Bytes* out) {
    if (!v || !v->is_string())
        return false;
    *out = v->string();
    return true;
}

bool value_as_u64(const Value* v, uint64_t* out) {
    if (!v)
        return false;
    if (v->is_integer()) {
        if (v->negative() && v->magnitude() != 0)
            return false;
        *out = v->magnitude();
        return true;
    }
    if (v->is_string())
        return parse_decimal(v->string(), out);
    return false;
}

static bool values_equal_at(const Value* a, const Value* b, unsigned depth) {
    if (a == b)
        return true;
    if (!a || !b || a->kind() != b->kind() || depth > kMaxNesting)
        return false;
    switch (a->kind()) {
    case ValueKind::tuple:
        if (a->entry_count() != b->entry_count())
            return false;
        for (size_t i = 0; i < a->entry_count(); i++) {
            if (!common::bytes_equal(a->entry(i).name, b->entry(i).name) ||
                !values_equal_at(a->entry(i).value, b->entry(i).value, depth + 1))
                return false;
        }
        return true;
    case ValueKind::vector:
        if (a->element_count() != b->element_count())
            return false;
        for (size_t i = 0; i < a->element_count(); i++)
            if (!values_equal_at(a->element(i), b->element(i), depth + 1))
                return false;
        return true;
    case ValueKind::string:
        return common::bytes_equal(a->string(), b->string());
    case ValueKind::integer:
        return a->negative() == b->negative() && a->magnitude() == b->magnitude();
    case ValueKind::null_flag:
        return true;
    }
    return false;
}

bool values_equal(const Value* a, const Value* b) {
    return values_equal_at(a, b, 0);
}

Value* Tree::make(ValueKind kind) {
    void* p = m_arena.allocate(sizeof(Value), alignof(Value));
    if (!p)
        return nullptr;
    Value* v = new (p) Value();
    v->m_kind = kind;
    return v;
}

Value* Tree::make_tuple() {
    Value* v = make(ValueKind::tuple);
    if (v)
        v->m_entries = nullptr;
    return v;
}

Value* Tree::make_vector() {
    Value* v = make(ValueKind::vector);
    if (v)
        v->m_elements = nullptr;
    return v;
}

bool Tree::copy(Bytes bytes, Bytes* out) {
    if (bytes.empty()) {
        *out = Bytes();
        return true;
    }
    uint8_t* p = static_cast<uint8_t*>(m_arena.allocate(bytes.size(), 1));
    if (!p)
        return false;
    copy_bytes(p, bytes.data(), bytes.size());
    *out = Bytes(p, bytes.size());
    return true;
}

Value* Tree::make_string(Bytes bytes) {
    Bytes stored;
    if (!copy(bytes, &stored))
        return nullptr;
    return make_string_shared(stored);
}

Value* Tree::make_string_shared(Bytes bytes) {
    Value* v = make(ValueKind::string);
    if (v) {
        v->m_bytes = bytes.data();
        v->m_count = bytes.size();
    }
    return v;
}

Value* Tree::make_integer(uint64_t magnitude, bool negative) {
    Value* v = make(ValueKind::integer);
    if (v) {
        v->m_magnitude = magnitude;
        v->m_negative = negative;
    }
    return v;
}

Value* Tree::null_flag() {
    if (!m_null_flag)
        m_null_flag = make(ValueKind::null_flag);
    return m_null_flag;
}

// Makes room for one more item in a tuple's or vector's array (doubling).
template <typename T>
static bool grow(Arena& arena, T*& items, size_t count, uint32_t& capacity, size_t needed) {
    if (needed <= capacity)
        return true;
    if (needed > UINT32_MAX / 2)
        return false;
    size_t fresh = capacity ? capacity : 4;
    while (fresh < needed)
        fresh *= 2;
    void* p = arena.reallocate(items, count * sizeof(T), fresh * sizeof(T), alignof(T));
    if (!p)
        return false;
    items = static_cast<T*>(p);
    capacity = uint32_t(fresh);
    return true;
}

Error Tree::set(Value* tuple, Bytes name, Value* value) {
    if (!tuple || !tuple->is_tuple() || !value)
        return Error::invalid_argument;
    bool found = false;
    size_t i = tuple->m_count ? find_entry(tuple->m_entries, tuple->m_count, name, &found) : 0;
    if (found) {
        tuple->m_entries[i].value = value;
        return Error::none;
    }
    if (!grow(m_arena, tuple->m_entries, tuple->m_count, tuple->m_capacity, tuple->m_count + 1))
        return Error::no_memory;
    for (size_t j = tuple->m_count; j > i; j--)
        tuple->m_entries[j] = tuple->m_entries[j - 1];
    tuple->m_entries[i] = Entry{name, value};
    tuple->m_count++;
    return Error::none;
}

Error Tree::set(Value* tuple, const char* name, Value* value) {
    return set(tuple, common::bytes_of(name), value);
}

void Tree::remove(Value* tuple, Bytes name) {
    if (!tuple || !tuple->is_tuple() || tuple->m_count == 0)
        return;
    bool found;
    size_t i = find_entry(tuple->m_entries, tuple->m_count, name, &found);
    if (!found)
        return;
    for (size_t j = i; j + 1 < tuple->m_count; j++)
        tuple->m_entries[j] = tuple->m_entries[j + 1];
    tuple->m_count--;
}

Error Tree::vector_set(Value* vector, size_t i, Value* value) {
    if (!vector || !vector->is_vector())
        return Error::invalid_argument;
    if (i >= vector->m_count) {
        if (!grow(m_arena, vector->m_elements, vector->m_count, vector->m_capacity, i + 1))
            return Error::no_memory;
        for (size_t j = vector->m_count; j <= i; j++)
            vector->m_elements[j] = nullptr;
        vector->m_count = i + 1;
    }
    vector->m_elements[i] = value;
    return Error::none;
}

} // namespace tfs
