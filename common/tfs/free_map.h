// free_map.h: the free sectors of a writable TFS (tfs.md 6.8) as sorted, merged runs, plus the
// heap sort common/ uses instead of <algorithm>. Built at mount from the replayed tree; the log
// and extents are what is in use, everything else is free. Used by mutable_filesystem.cpp.
#pragma once

#include "common/base/allocator.h"
#include "common/tfs/error.h"

#include <cstddef>
#include <cstdint>

namespace tfs {

// A run of sectors [start, start + count).
struct SectorRun {
    uint64_t start = 0;
    uint64_t count = 0;
};

// In-place heap sort (no recursion, no allocation). less(a, b) is a strict weak order.
template <typename T, typename Less>
void heap_sort(T* items, size_t count, Less less) {
    auto sift = [&](size_t root, size_t end) {
        for (;;) {
            size_t child = 2 * root + 1;
            if (child >= end)
                return;
            if (child + 1 < end && less(items[child], items[child + 1]))
                child++;
            if (!less(items[root], items[child]))
                return;
            T t = items[root];
            items[root] = items[child];
            items[child] = t;
            root = child;
        }
    };
    for (size_t i = count / 2; i-- > 0;)
        sift(i, count);
    for (size_t end = count; end > 1; end--) {
        T t = items[0];
        items[0] = items[end - 1];
        items[end - 1] = t;
        sift(0, end - 1);
    }
}

// A growable array of runs from an Allocator (used for free runs and for lists of used runs).
class RunList {
  public:
    explicit RunList(common::Allocator& allocator) : m_allocator(allocator) {}
    ~RunList();
    RunList(const RunList&) = delete;
    RunList& operator=(const RunList&) = delete;

    Error append(SectorRun run) { return insert(m_count, run); }
    Error insert(size_t at, SectorRun run);
    void erase(size_t at);
    void clear() { m_count = 0; }
    size_t size() const { return m_count; }
    SectorRun& operator[](size_t i) { return m_runs[i]; }
    const SectorRun& operator[](size_t i) const { return m_runs[i]; }
    SectorRun* data() { return m_runs; }

  private:
    common::Allocator& m_allocator;
    SectorRun* m_runs = nullptr;
    size_t m_count = 0;
    size_t m_capacity = 0;
};

// Free runs, sorted by start, never adjacent or overlapping. First-fit allocation like the Nanos
// kernel. Not thread-safe; the caller serialises. Allocates only when release() splits nothing but
// needs a new run (growth of the run array).
class FreeMap {
  public:
    explicit FreeMap(common::Allocator& allocator) : m_runs(allocator) {}

    // Free = [first, total) minus every run in `used` (any order, may overlap; sorted in place).
    Error build(uint64_t first, uint64_t total, RunList& used);
    // First fit of exactly `count` sectors. False if no run is large enough.
    bool allocate(uint64_t count, uint64_t* start);
    // The first free run, up to `count` sectors of it. Returns the sectors taken (0 = none free).
    uint64_t allocate_some(uint64_t count, uint64_t* start);
    // Takes up to `count` free sectors starting exactly at `start` (to grow an extent in place).
    // Returns how many were taken (0 when `start` is in use).
    uint64_t allocate_at(uint64_t start, uint64_t count);
    // Returns a run to the map, merging neighbours. Error::corrupt if any of it is already free
    // (a double free would hand one sector to two owners), Error::no_memory if the array cannot
    // grow (the run then stays in use until the next mount).
    Error release(SectorRun run);

    uint64_t free_sectors() const { return m_free; }
    size_t run_count() const { return m_runs.size(); }
    const SectorRun& run(size_t i) const { return m_runs[i]; }
    // True if every sector of the run is free.
    bool is_free(SectorRun run) const;

  private:
    // Index of the first run whose end is after `sector`.
    size_t first_ending_after(uint64_t sector) const;
    void take(size_t index, uint64_t start, uint64_t count);

    RunList m_runs;
    uint64_t m_free = 0;
};

} // namespace tfs
