// extent_list.h: private to the mutable_filesystem*.cpp files: a file's extents as a sorted list
// (tfs.md 6.3), the per-record log estimate and attribute-name literals.
#pragma once

#include "common/tfs/mutable_filesystem.h"

namespace tfs {

// Log room asked for per record: each is well under this many bytes (a reference, a name, a
// small tuple).
inline constexpr uint64_t kRecordEstimate = 160;

// Attribute names: literals, so no global needs a constructor in the kernel.
inline Bytes attribute(const char* name) {
    return common::bytes_of(name);
}

// One extent of a file (6.3), in file blocks and TFS sectors, with what a write step changed.
struct MutableFilesystem::Extent {
    uint64_t key = 0;
    uint64_t length = 0;
    uint64_t allocated = 0;
    uint64_t offset = 0;
    bool uninited = false;
    Value* tuple = nullptr; // nullptr for an extent planned by this step
    Bytes name;
    bool changed_length = false;
    bool changed_allocated = false;
    bool cleared_uninited = false;
};

// A file's extents sorted by key, from the Allocator.
class MutableFilesystem::ExtentList {
  public:
    explicit ExtentList(common::Allocator& allocator) : m_allocator(allocator) {}
    ~ExtentList() {
        if (m_items)
            m_allocator.deallocate(m_items, m_capacity * sizeof(Extent));
    }
    ExtentList(const ExtentList&) = delete;
    ExtentList& operator=(const ExtentList&) = delete;

    Error append(const Extent& e) { return insert(m_count, e); }
    Error insert(size_t at, const Extent& e) {
        if (m_count == m_capacity) {
            size_t fresh = m_capacity ? m_capacity * 2 : 16;
            void* p = m_allocator.allocate(fresh * sizeof(Extent), alignof(Extent));
            if (!p)
                return Error::no_memory;
            Extent* items = static_cast<Extent*>(p);
            for (size_t i = 0; i < m_count; i++)
                items[i] = m_items[i];
            if (m_items)
                m_allocator.deallocate(m_items, m_capacity * sizeof(Extent));
            m_items = items;
            m_capacity = fresh;
        }
        for (size_t i = m_count; i > at; i--)
            m_items[i] = m_items[i - 1];
        m_items[at] = e;
        m_count++;
        return Error::none;
    }
    void sort() {
        heap_sort(m_items, m_count, [](const Extent& a, const Extent& b) { return a.key < b.key; });
    }
    size_t size() const { return m_count; }
    Extent& operator[](size_t i) { return m_items[i]; }
    const Extent& operator[](size_t i) const { return m_items[i]; }
    // Index of the first extent with key > block (or size()).
    size_t upper_bound(uint64_t block) const {
        size_t lo = 0, hi = m_count;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (m_items[mid].key <= block)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

  private:
    common::Allocator& m_allocator;
    Extent* m_items = nullptr;
    size_t m_count = 0;
    size_t m_capacity = 0;
};

} // namespace tfs
