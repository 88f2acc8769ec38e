// page_cache.h: one file's cached pages, shared by read()/write() and by every mapping of the
// file. A page is 4 KiB of physical memory holding the file's bytes at page_index * 4096 (zeros
// past the end of the file). Pages come from the file on first use (with read-ahead on
// sequential misses), become dirty when a MAP_SHARED mapping writes to them, go back to the file
// on write_back(), and clean pages no mapping uses are freed when physical memory runs low
// (page_cache_reclaim). mm/ knows the file only as a PageStore. Needs the big kernel lock.
#pragma once

#include "lib/result.h"
#include "lib/types.h"

// Where a cache's pages come from and go back to (a TFS file: fs/tfs_inode.cpp).
class PageStore {
  public:
    // Reads up to `length` bytes at `offset`; short only at the end of the file.
    virtual Result<u64> store_read(u64 offset, u8* buffer, u64 length) = 0;
    // Writes bytes of a dirty page back; never past the end (the cache clamps to store_size()).
    virtual Result<void> store_write(u64 offset, const u8* buffer, u64 length) = 0;
    virtual u64 store_size() = 0;
    // The first page became dirty since the last write-back: arrange one soon.
    virtual void store_pages_dirtied() = 0;

  protected:
    ~PageStore() = default;
};

class PageCache;

struct CachedPage {
    u64 index; // file offset / 4096
    u64 phys;
    PageCache* owner;
    CachedPage* hash_next;
    // On the global reclaim list (clean, not mapped) or on the owner's dirty list, or neither.
    CachedPage* list_prev;
    CachedPage* list_next;
    u32 maps;   // page-table entries pointing at it (and copies in progress): never freed while any
    bool dirty; // newer than the file (a writable PTE points at it only while dirty)
    bool on_reclaim_list;
};

class PageCache {
  public:
    explicit PageCache(PageStore& store) : m_store(store) {}
    ~PageCache(); // drops every page; none may be mapped
    PageCache(const PageCache&) = delete;
    PageCache& operator=(const PageCache&) = delete;

    PageStore& store() const { return m_store; }
    static u8* bytes_of(const CachedPage* page); // through the direct map

    // The cached page at `index`, or nullptr.
    CachedPage* find(u64 index) const;
    // The page at `index` (below the end of the file), read from the file when absent together
    // with up to `wanted` - 1 following absent pages and some read-ahead.
    Result<CachedPage*> get(u64 index, u64 wanted = 1);

    // read(): copies [offset, offset + length) (inside the file) out of the pages.
    Result<u64> read(u64 offset, u8* buffer, u64 length);
    // The same through `copy(done, bytes, n)` (a Result<void>), which may fault: each page is
    // held while it runs. Stops at the first failed copy; returns the bytes copied before it, or
    // the error when there are none.
    template <typename Copy>
    Result<u64> read_with(u64 offset, u64 length, Copy copy);
    // write() went to the file: the cached pages it covered take the same bytes.
    void wrote(u64 offset, const u8* data, u64 length);
    // The file grew from `old_size`: bytes of the old last page past it read as zero from now
    // on (a mapping may have stored there).
    void grew(u64 old_size);
    // The file shrank to `new_size`: every mapping loses the pages past it (private copies
    // too, as Linux), which are dropped; the rest of the new last page reads as zero.
    void shrank(u64 new_size);
    // Drops every page (the file's data is gone). No page may be mapped.
    void drop_all();

    // A mapping's page-table entry now points at / no longer points at `page`.
    void mapped(CachedPage* page);
    void unmapped(CachedPage* page);
    // A shared mapping is about to write to the page (the caller makes its entry writable).
    void mark_dirty(CachedPage* page);
    bool has_dirty() const { return m_dirty_count != 0; }

    // Writes every dirty page back to the file. Each page's writable mappings become read-only
    // first, so a later store dirties it again (and is written by the next write-back).
    Result<void> write_back();

    // Frees up to `wanted` clean unmapped pages of any cache, oldest use first.
    static u64 evict_clean(u64 wanted);

  private:
    void insert(CachedPage* page);
    void remove(CachedPage* page); // from the table and its list; frees nothing
    void free_page(CachedPage* page);
    void dirty_list_add(CachedPage* page);
    void dirty_list_remove(CachedPage* page);
    bool grow_table();

    PageStore& m_store;
    CachedPage** m_buckets = nullptr;
    u64 m_bucket_count = 0; // a power of two
    u64 m_page_count = 0;
    CachedPage* m_dirty = nullptr;
    u64 m_dirty_count = 0;
    u64 m_next_sequential = ~0ull; // read-ahead: the index a sequential reader misses next
    u64 m_window = 0;              // read-ahead pages for the next sequential miss
};

template <typename Copy>
Result<u64> PageCache::read_with(u64 offset, u64 length, Copy copy) {
    u64 done = 0;
    while (done < length) {
        u64 position = offset + done;
        u64 within = position % 4096;
        u64 n = length - done < 4096 - within ? length - done : 4096 - within;
        auto page = get(position / 4096, (within + (length - done) + 4095) / 4096);
        if (page.is_error())
            return done ? Result<u64>(done) : Result<u64>(page.error());
        mapped(page.value());
        auto copied = copy(done, bytes_of(page.value()) + within, n);
        unmapped(page.value());
        if (copied.is_error())
            return done ? Result<u64>(done) : Result<u64>(copied.error());
        done += n;
    }
    return done;
}

// Frees up to `wanted` clean pages no mapping uses, oldest use first; returns how many. Called
// by the physical allocator when it runs out (mm/physical.cpp), so it declines while cache code
// on this CPU is in the middle of changing its lists.
u64 page_cache_reclaim(u64 wanted);
// Pages held by all caches (for tests and /proc/meminfo's "Cached").
u64 page_cache_pages();
