// free_map.cpp: the run array and first-fit allocation over it (tfs.md 6.8). Runs are kept
// sorted and merged, so lookups are binary searches and a release touches at most two neighbours.
#include "common/tfs/free_map.h"

#include "common/tfs/arena.h"

namespace tfs {

RunList::~RunList() {
    if (m_runs)
        m_allocator.deallocate(m_runs, m_capacity * sizeof(SectorRun));
}

Error RunList::insert(size_t at, SectorRun run) {
    if (m_count == m_capacity) {
        size_t fresh = m_capacity ? m_capacity * 2 : 64;
        if (fresh > SIZE_MAX / sizeof(SectorRun))
            return Error::no_memory;
        void* p = m_allocator.allocate(fresh * sizeof(SectorRun), alignof(SectorRun));
        if (!p)
            return Error::no_memory;
        SectorRun* runs = static_cast<SectorRun*>(p);
        for (size_t i = 0; i < m_count; i++)
            runs[i] = m_runs[i];
        if (m_runs)
            m_allocator.deallocate(m_runs, m_capacity * sizeof(SectorRun));
        m_runs = runs;
        m_capacity = fresh;
    }
    for (size_t i = m_count; i > at; i--)
        m_runs[i] = m_runs[i - 1];
    m_runs[at] = run;
    m_count++;
    return Error::none;
}

void RunList::erase(size_t at) {
    for (size_t i = at; i + 1 < m_count; i++)
        m_runs[i] = m_runs[i + 1];
    m_count--;
}

Error FreeMap::build(uint64_t first, uint64_t total, RunList& used) {
    m_runs.clear();
    m_free = 0;
    heap_sort(used.data(), used.size(),
              [](const SectorRun& a, const SectorRun& b) { return a.start < b.start; });
    uint64_t cursor = first;
    for (size_t i = 0; i <= used.size(); i++) {
        uint64_t next = i < used.size() ? used[i].start : total;
        if (next > total)
            next = total;
        if (next > cursor) {
            TFS_TRY(m_runs.append(SectorRun{cursor, next - cursor}));
            m_free += next - cursor;
        }
        if (i < used.size() && used[i].start + used[i].count > cursor)
            cursor = used[i].start + used[i].count;
    }
    return Error::none;
}

size_t FreeMap::first_ending_after(uint64_t sector) const {
    size_t lo = 0, hi = m_runs.size();
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m_runs[mid].start + m_runs[mid].count <= sector)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

// Removes [start, start + count) from run `index`, which contains it and starts at it.
void FreeMap::take(size_t index, uint64_t start, uint64_t count) {
    SectorRun& r = m_runs[index];
    r.start = start + count;
    r.count -= count;
    if (r.count == 0)
        m_runs.erase(index);
    m_free -= count;
}

bool FreeMap::allocate(uint64_t count, uint64_t* start) {
    if (count == 0)
        return false;
    for (size_t i = 0; i < m_runs.size(); i++) {
        if (m_runs[i].count >= count) {
            *start = m_runs[i].start;
            take(i, *start, count);
            return true;
        }
    }
    return false;
}

uint64_t FreeMap::allocate_some(uint64_t count, uint64_t* start) {
    if (count == 0 || m_runs.size() == 0)
        return 0;
    uint64_t got = m_runs[0].count < count ? m_runs[0].count : count;
    *start = m_runs[0].start;
    take(0, *start, got);
    return got;
}

uint64_t FreeMap::allocate_at(uint64_t start, uint64_t count) {
    size_t i = first_ending_after(start);
    if (count == 0 || i == m_runs.size() || m_runs[i].start != start)
        return 0;
    uint64_t got = m_runs[i].count < count ? m_runs[i].count : count;
    take(i, start, got);
    return got;
}

bool FreeMap::is_free(SectorRun run) const {
    size_t i = first_ending_after(run.start);
    return i < m_runs.size() && m_runs[i].start <= run.start &&
           run.start + run.count <= m_runs[i].start + m_runs[i].count;
}

Error FreeMap::release(SectorRun run) {
    if (run.count == 0)
        return Error::none;
    size_t i = first_ending_after(run.start);
    // Run i is the first that ends after run.start: it must start at or after run's end.
    if (i < m_runs.size() && m_runs[i].start < run.start + run.count)
        return Error::corrupt;
    bool merge_before = i > 0 && m_runs[i - 1].start + m_runs[i - 1].count == run.start;
    bool merge_after = i < m_runs.size() && m_runs[i].start == run.start + run.count;
    if (merge_before && merge_after) {
        m_runs[i - 1].count += run.count + m_runs[i].count;
        m_runs.erase(i);
    } else if (merge_before) {
        m_runs[i - 1].count += run.count;
    } else if (merge_after) {
        m_runs[i].start = run.start;
        m_runs[i].count += run.count;
    } else {
        TFS_TRY(m_runs.insert(i, run));
    }
    m_free += run.count;
    return Error::none;
}

} // namespace tfs
