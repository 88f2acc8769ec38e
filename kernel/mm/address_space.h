// address_space.h: the program's lower-half mappings as a sorted list of regions, with pages
// allocated on first touch (handle_page_fault). mmap/munmap/mprotect/mremap/brk semantics
// live here; linux/mm_calls.cpp only checks arguments and copies.
#pragma once

#include "lib/result.h"
#include "mm/mapped_file.h"
#include "mm/page_cache.h"
#include "mm/page_table.h"

struct Region {
    u64 start;
    u64 end; // exclusive, page aligned
    Protection protection;
    Region* next;
    const char* name = nullptr; // for /proc/self/maps: a path, "[stack]", "[heap]", "[vdso]"
    FileBacking backing = {};   // file mappings: holds a reference on backing.file

    bool shared_file() const { return backing.file && backing.shared; }
};

// What a page fault came to: the access can run again, it is not allowed (SIGSEGV), or it
// touched a file mapping past the end of the file or the file could not be read (SIGBUS).
enum class FaultResult : u8 { Resolved, Violation, BusError };

enum class MapPlacement : u8 { Anywhere, Hint, Fixed, FixedNoReplace };
enum class SyncMode : u8 { WriteBack, Durable };

class AddressSpace {
  public:
    // Sets the top of the mmap area (below the stack) and the lowest address mmap hands out.
    void set_mmap_top(u64 top) { m_mmap_top = top; }
    void set_heap_start(u64 start) { m_heap_start = m_heap_end = start; }

    // Reserves [addr, addr+length) (placement decides how addr is used); pages appear on first
    // touch, zero-filled. Returns the start.
    // A file mapping passes its backing; the region takes a reference on the file, and maps
    // the file's cached pages on first touch (past the end of the file: FaultResult::BusError).
    Result<u64> map(u64 addr, u64 length, Protection protection, MapPlacement placement,
                    const char* name = nullptr, FileBacking backing = {});
    // Changed pages of shared file mappings stay dirty in the file's cache.
    Result<void> unmap(u64 addr, u64 length);
    Result<void> protect(u64 addr, u64 length, Protection protection);
    Result<u64> remap(u64 old_addr, u64 old_length, u64 new_length, bool may_move, bool fixed,
                      u64 new_addr);
    // Frees the pages of a mapped range (MADV_DONTNEED): anonymous pages read back as zeros,
    // file pages as the file's contents (shared changes stay in the file's cache).
    Result<void> discard(u64 addr, u64 length);
    // msync: with SyncMode::Durable, writes the files of shared mappings in the range to the
    // disk (their dirty pages, then the log); WriteBack has nothing to do (the cache is shared).
    // ENOMEM if part of the range is not mapped.
    Result<void> sync(u64 addr, u64 length, SyncMode mode);
    // Writes the dirty pages of every shared file mapping back to their files (at exit).
    void sync_all();
    // Linux brk: returns the (possibly unchanged) break.
    u64 brk(u64 requested);
    // Allocates every page of the range now (for the loader, which then writes through the
    // direct map). The range must be mapped.
    Result<void> populate(u64 addr, u64 length);
    // Resolves a fault at `address`.
    FaultResult handle_fault(u64 address, u64 error_code);
    const Region* regions() const { return m_regions; }
    // For the page cache: makes the writable shared mappings of these pages read-only (the
    // caller shoots the TLBs down), so the next store marks the page dirty again.
    void write_protect_file_pages(const PageCache* cache, CachedPage* const* pages, u64 count);
    // For the page cache: unmaps every page of the file from index `first_index` on (truncate),
    // private copies included, as Linux does.
    void unmap_file_pages(const PageCache* cache, u64 first_index);
    // Kernel writes into the program's memory bypassing protections (loader, stack set-up).
    Result<void> write_bytes(u64 addr, const void* data, u64 length);

  private:
    Region* find(u64 address) const;
    bool range_free(u64 start, u64 end) const;
    Result<u64> find_free(u64 length) const;
    Result<void> split_at(u64 address);
    void release_pages(const Region& region, u64 start, u64 end);
    // Unmaps one page of `region`: a page of the file's cache is only unmapped, others freed.
    void release_page(const Region& region, u64 va);
    Result<u64> allocate_page(); // a zeroed page for an anonymous mapping or a private copy
    // Makes `va` of `region` present as an access would (a store when `write`), without
    // checking the region's protection. May block on the disk.
    FaultResult fault_in(const Region& region, u64 va, bool write);
    FaultResult copy_on_write(const Region& region, u64 va, CachedPage* page);
    // The protection of the page-table entry for `phys` at `va`: a file's page is read-only
    // in private mappings and, while clean, in shared ones.
    Protection page_protection(const Region& region, u64 va, u64 phys) const;
    void destroy_region(Region* region);
    void insert(Region* region);
    // Joins neighbouring regions with equal protection (after splits), so one mapping stays one
    // region as mremap requires.
    void merge_adjacent();

    Region* m_regions = nullptr;
    u64 m_mmap_top = 0x7f0000000000;
    u64 m_heap_start = 0;
    u64 m_heap_end = 0;
};

AddressSpace& current_address_space();

// Called by handle_trap for page faults (user or kernel mode).
FaultResult handle_page_fault(u64 address, u64 error_code);
