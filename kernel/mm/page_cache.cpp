// page_cache.cpp: PageCache (a chained hash table of pages per file, a dirty list per file) and
// the machine-wide reclaim list of clean unmapped pages, oldest use first. Page records come
// from a private pool rather than the heap, because reclaim runs inside physical_allocate,
// which the heap itself calls.
#include "mm/page_cache.h"
#include "lib/string.h"
#include "mm/address_space.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/physical.h"
#include "mm/tlb.h"
#include "sched/kernel_lock.h"

namespace {

constexpr u64 READ_AHEAD_MIN = 4;  // pages read on a random miss
constexpr u64 READ_AHEAD_MAX = 32; // the window sequential misses double up to (128 KiB)
constexpr u64 LARGEST_READ = 64;   // pages read from the file in one go
constexpr u64 WRITE_BACK_BATCH = 64;
// Before reading more pages the cache frees its own clean pages while fewer than this fraction
// of RAM is free, leaving room for allocations that cannot wait for reclaim.
constexpr u64 HEADROOM_DIVISOR = 32;

CachedPage* g_free_records; // the record pool
CachedPage* g_reclaim_head; // least recently used
CachedPage* g_reclaim_tail;
u64 g_cached_pages;
u32 g_busy; // cache code is changing lists on this CPU (reclaim declines)

struct BusyScope {
    BusyScope() { g_busy++; }
    ~BusyScope() { g_busy--; }
};

CachedPage* record_allocate() {
    if (!g_free_records) {
        auto phys = physical_allocate();
        if (phys.is_error())
            return nullptr;
        auto* records = static_cast<CachedPage*>(phys_to_virt(phys.value()));
        for (u64 i = 0; i < PAGE_SIZE / sizeof(CachedPage); i++) {
            records[i].hash_next = g_free_records;
            g_free_records = &records[i];
        }
    }
    CachedPage* record = g_free_records;
    g_free_records = record->hash_next;
    *record = CachedPage{};
    return record;
}

void record_free(CachedPage* record) {
    record->hash_next = g_free_records;
    g_free_records = record;
}

void reclaim_list_add(CachedPage* page) {
    page->list_prev = g_reclaim_tail;
    page->list_next = nullptr;
    if (g_reclaim_tail)
        g_reclaim_tail->list_next = page;
    else
        g_reclaim_head = page;
    g_reclaim_tail = page;
    page->on_reclaim_list = true;
}

void reclaim_list_remove(CachedPage* page) {
    if (!page->on_reclaim_list)
        return;
    if (page->list_prev)
        page->list_prev->list_next = page->list_next;
    else
        g_reclaim_head = page->list_next;
    if (page->list_next)
        page->list_next->list_prev = page->list_prev;
    else
        g_reclaim_tail = page->list_prev;
    page->list_prev = page->list_next = nullptr;
    page->on_reclaim_list = false;
}

} // namespace

// --- the table ---

u8* PageCache::bytes_of(const CachedPage* page) {
    return static_cast<u8*>(phys_to_virt(page->phys));
}

CachedPage* PageCache::find(u64 index) const {
    if (!m_bucket_count)
        return nullptr;
    for (CachedPage* p = m_buckets[index & (m_bucket_count - 1)]; p; p = p->hash_next)
        if (p->index == index)
            return p;
    return nullptr;
}

bool PageCache::grow_table() {
    u64 count = m_bucket_count ? 2 * m_bucket_count : 16;
    auto** buckets = static_cast<CachedPage**>(kmalloc(count * sizeof(CachedPage*)));
    if (!buckets)
        return false;
    for (u64 b = 0; b < m_bucket_count; b++) {
        for (CachedPage* p = m_buckets[b]; p;) {
            CachedPage* next = p->hash_next;
            p->hash_next = buckets[p->index & (count - 1)];
            buckets[p->index & (count - 1)] = p;
            p = next;
        }
    }
    kfree(m_buckets);
    m_buckets = buckets;
    m_bucket_count = count;
    return true;
}

void PageCache::insert(CachedPage* page) {
    // A table that cannot grow stays correct, only with longer chains.
    if (m_page_count >= m_bucket_count)
        grow_table();
    CachedPage*& head = m_buckets[page->index & (m_bucket_count - 1)];
    page->hash_next = head;
    head = page;
    m_page_count++;
    g_cached_pages++;
}

void PageCache::remove(CachedPage* page) {
    for (CachedPage** link = &m_buckets[page->index & (m_bucket_count - 1)]; *link;
         link = &(*link)->hash_next) {
        if (*link == page) {
            *link = page->hash_next;
            break;
        }
    }
    if (page->dirty)
        dirty_list_remove(page);
    reclaim_list_remove(page);
    m_page_count--;
    g_cached_pages--;
}

void PageCache::free_page(CachedPage* page) {
    remove(page);
    physical_free(page->phys);
    record_free(page);
}

void PageCache::dirty_list_add(CachedPage* page) {
    page->list_prev = nullptr;
    page->list_next = m_dirty;
    if (m_dirty)
        m_dirty->list_prev = page;
    m_dirty = page;
    m_dirty_count++;
}

void PageCache::dirty_list_remove(CachedPage* page) {
    if (page->list_prev)
        page->list_prev->list_next = page->list_next;
    else
        m_dirty = page->list_next;
    if (page->list_next)
        page->list_next->list_prev = page->list_prev;
    page->list_prev = page->list_next = nullptr;
    m_dirty_count--;
}

PageCache::~PageCache() {
    drop_all();
    kfree(m_buckets);
}

void PageCache::drop_all() {
    BusyScope busy;
    for (u64 b = 0; b < m_bucket_count; b++)
        while (m_buckets[b])
            free_page(m_buckets[b]);
}

// --- filling and reading ---

Result<CachedPage*> PageCache::get(u64 index, u64 wanted) {
    BusyScope busy;
    if (CachedPage* page = find(index)) {
        if (page->on_reclaim_list) { // used again: the youngest now
            reclaim_list_remove(page);
            reclaim_list_add(page);
        }
        return page;
    }
    u64 size = m_store.store_size();
    u64 file_pages = align_up(size, PAGE_SIZE) / PAGE_SIZE;
    if (index >= file_pages)
        return Errno::ENXIO;
    u64 window = index == m_next_sequential ? min(max(2 * m_window, READ_AHEAD_MIN), READ_AHEAD_MAX)
                                            : READ_AHEAD_MIN;
    u64 count = min(min(max(wanted, window), LARGEST_READ), file_pages - index);
    for (u64 i = 1; i < count; i++) {
        if (find(index + i)) {
            count = i;
            break;
        }
    }
    u64 headroom = physical_total_pages() / HEADROOM_DIVISOR;
    if (physical_free_pages() < headroom + count)
        evict_clean(headroom + count - physical_free_pages());
    // One contiguous run so the file is read in one request; less when memory is fragmented.
    // Not zeroed: the file's bytes fill it, and only the tail past the end is cleared.
    Result<u64> run = Errno::ENOMEM;
    for (;; count /= 2) {
        run = physical_allocate_unzeroed(count);
        if (!run.is_error() || count == 1)
            break;
    }
    if (run.is_error() && evict_clean(1))
        run = physical_allocate_unzeroed(count);
    if (run.is_error())
        return Errno::ENOMEM;
    u64 phys = run.value();
    u64 offset = index * PAGE_SIZE;
    auto* bytes = static_cast<u8*>(phys_to_virt(phys));
    auto got = m_store.store_read(offset, bytes, min(count * PAGE_SIZE, size - offset));
    if (got.is_error()) {
        physical_free(phys, count);
        return got.error();
    }
    memset(bytes + got.value(), 0, count * PAGE_SIZE - got.value());
    CachedPage* first = nullptr;
    for (u64 i = 0; i < count; i++) {
        CachedPage* page = record_allocate();
        if (!page) {
            physical_free(phys + i * PAGE_SIZE, count - i);
            if (!first)
                return Errno::ENOMEM;
            break;
        }
        page->index = index + i;
        page->phys = phys + i * PAGE_SIZE;
        page->owner = this;
        insert(page);
        reclaim_list_add(page);
        if (!first)
            first = page;
    }
    m_next_sequential = index + count;
    m_window = window;
    return first;
}

Result<u64> PageCache::read(u64 offset, u8* buffer, u64 length) {
    return read_with(offset, length, [buffer](u64 done, const u8* bytes, u64 n) -> Result<void> {
        memcpy(buffer + done, bytes, n);
        return {};
    });
}

void PageCache::wrote(u64 offset, const u8* data, u64 length) {
    u64 done = 0;
    while (done < length) {
        u64 position = offset + done;
        u64 within = position % PAGE_SIZE;
        u64 n = min(PAGE_SIZE - within, length - done);
        if (CachedPage* page = find(position / PAGE_SIZE))
            memcpy(bytes_of(page) + within, data + done, n);
        done += n;
    }
}

void PageCache::grew(u64 old_size) {
    u64 within = old_size % PAGE_SIZE;
    if (!within)
        return;
    if (CachedPage* page = find(old_size / PAGE_SIZE))
        memset(bytes_of(page) + within, 0, PAGE_SIZE - within);
}

void PageCache::shrank(u64 new_size) {
    BusyScope busy;
    u64 first_gone = align_up(new_size, PAGE_SIZE) / PAGE_SIZE;
    current_address_space().unmap_file_pages(this, first_gone);
    for (u64 b = 0; b < m_bucket_count; b++) {
        for (CachedPage* p = m_buckets[b]; p;) {
            CachedPage* next = p->hash_next;
            if (p->index >= first_gone)
                free_page(p);
            p = next;
        }
    }
    grew(new_size); // the rest of the new last page reads as zero
}

// --- mappings and write-back ---

void PageCache::mapped(CachedPage* page) {
    BusyScope busy;
    reclaim_list_remove(page);
    page->maps++;
}

void PageCache::unmapped(CachedPage* page) {
    BusyScope busy;
    if (page->maps)
        page->maps--;
    if (!page->maps && !page->dirty && !page->on_reclaim_list)
        reclaim_list_add(page);
}

void PageCache::mark_dirty(CachedPage* page) {
    BusyScope busy;
    if (page->dirty)
        return;
    reclaim_list_remove(page);
    page->dirty = true;
    dirty_list_add(page);
    if (m_dirty_count == 1)
        m_store.store_pages_dirtied();
}

Result<void> PageCache::write_back() {
    BusyScope busy;
    // Only pages dirty now: a program storing all the time cannot keep this going forever.
    u64 budget = m_dirty_count;
    while (m_dirty && budget) {
        CachedPage* batch[WRITE_BACK_BATCH];
        u64 n = 0;
        for (CachedPage* p = m_dirty; p && n < WRITE_BACK_BATCH && n < budget; p = p->list_next)
            batch[n++] = p;
        budget -= n;
        // No CPU may store through a writable entry once the page counts as clean.
        current_address_space().write_protect_file_pages(this, batch, n);
        tlb_shootdown();
        for (u64 i = 0; i < n; i++) {
            dirty_list_remove(batch[i]);
            batch[i]->dirty = false;
            if (!batch[i]->maps)
                reclaim_list_add(batch[i]);
        }
        u64 size = m_store.store_size();
        for (u64 i = 0; i < n; i++) {
            u64 offset = batch[i]->index * PAGE_SIZE;
            if (offset >= size)
                continue; // Linux writes nothing past the end of the file either
            auto written =
                m_store.store_write(offset, bytes_of(batch[i]), min(PAGE_SIZE, size - offset));
            if (written.is_error()) {
                for (u64 j = i; j < n; j++)
                    mark_dirty(batch[j]);
                return written;
            }
        }
    }
    return {};
}

// --- reclaim ---

u64 PageCache::evict_clean(u64 wanted) {
    u64 freed = 0;
    while (freed < wanted && g_reclaim_head) {
        CachedPage* page = g_reclaim_head;
        page->owner->free_page(page);
        freed++;
    }
    return freed;
}

u64 page_cache_reclaim(u64 wanted) {
    // Only a CPU holding the kernel lock may change the lists, and not in the middle of a change.
    if (g_busy || kernel_lock_depth() == 0)
        return 0;
    BusyScope busy;
    return PageCache::evict_clean(max<u64>(wanted, 64));
}

u64 page_cache_pages() {
    return g_cached_pages;
}
