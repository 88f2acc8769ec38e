// physical.cpp: bitmap page allocator. One bit per 4 KiB page of the physical address range;
// set = used. The bitmap sits right after the kernel image.
#include "mm/physical.h"
#include "arch/x86_64/interrupt_guard.h"
#include "arch/x86_64/pvh.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/page_cache.h"

extern "C" char kernel_image_end[];

namespace {

u64* g_bitmap;
u64 g_page_count;   // pages covered by the bitmap
u64 g_free_pages;
u64 g_total_pages;
u64 g_search_hint;
u64 g_memory_end;

bool is_used(u64 page) { return g_bitmap[page / 64] & (1ull << (page % 64)); }
void set_used(u64 page) { g_bitmap[page / 64] |= 1ull << (page % 64); }
void set_free(u64 page) { g_bitmap[page / 64] &= ~(1ull << (page % 64)); }

} // namespace

void physical_init(const HvmStartInfo& info) {
    auto* map = static_cast<const HvmMemmapEntry*>(phys_to_virt(info.memmap_paddr));
    for (u32 i = 0; i < info.memmap_entries; i++)
        if (map[i].type == HvmMemmapEntry::RAM)
            g_memory_end = max(g_memory_end, map[i].addr + map[i].size);
    g_page_count = align_up(g_memory_end, PAGE_SIZE) / PAGE_SIZE;

    u64 bitmap_phys = align_up(virt_to_phys(kernel_image_end), PAGE_SIZE);
    u64 bitmap_bytes = align_up(align_up(g_page_count, 64) / 8, PAGE_SIZE);
    g_bitmap = static_cast<u64*>(phys_to_virt(bitmap_phys));
    memset(g_bitmap, 0xff, bitmap_bytes);

    // Free every RAM page above the bitmap; everything below (BIOS area, kernel) stays used.
    u64 first_free = bitmap_phys + bitmap_bytes;
    for (u32 i = 0; i < info.memmap_entries; i++) {
        if (map[i].type != HvmMemmapEntry::RAM)
            continue;
        u64 start = max(align_up(map[i].addr, PAGE_SIZE), first_free);
        u64 end = align_down(map[i].addr + map[i].size, PAGE_SIZE);
        // Whole 64-page words at once: this loop covers all of RAM at every boot.
        u64 page = start / PAGE_SIZE, last = end / PAGE_SIZE;
        for (; page < last && page % 64; page++)
            set_free(page);
        for (; page + 64 <= last; page += 64)
            g_bitmap[page / 64] = 0;
        for (; page < last; page++)
            set_free(page);
        if (end > start)
            g_free_pages += (end - start) / PAGE_SIZE;
    }
    g_total_pages = g_free_pages;
    g_search_hint = first_free / PAGE_SIZE;
}

u64 physical_memory_end() { return g_memory_end; }
u64 physical_free_pages() { return g_free_pages; }
u64 physical_total_pages() { return g_total_pages; }

namespace {

Result<u64> allocate_free_run(u64 count, bool zeroed) {
    InterruptGuard guard; // interrupt handlers allocate too (heap.cpp)
    if (count == 0 || count > g_free_pages)
        return Errno::ENOMEM;
    for (int pass = 0; pass < 2; pass++) {
        u64 start = pass == 0 ? g_search_hint : 0;
        u64 run = 0;
        for (u64 page = start; page < g_page_count; page++) {
            // Skip whole used words quickly.
            if (run == 0 && page % 64 == 0 && g_bitmap[page / 64] == ~0ull) {
                page += 63;
                continue;
            }
            if (is_used(page)) {
                run = 0;
                continue;
            }
            if (++run == count) {
                u64 first = page + 1 - count;
                for (u64 p = first; p <= page; p++)
                    set_used(p);
                g_free_pages -= count;
                g_search_hint = page + 1;
                if (zeroed)
                    memset(phys_to_virt(first * PAGE_SIZE), 0, count * PAGE_SIZE);
                return first * PAGE_SIZE;
            }
        }
    }
    return Errno::ENOMEM;
}

} // namespace

Result<u64> physical_allocate(u64 count) {
    auto run = allocate_free_run(count, true);
    // Out of memory: clean file pages nobody maps can go (mm/page_cache.cpp), then try again.
    if (run.is_error() && page_cache_reclaim(count))
        run = allocate_free_run(count, true);
    return run;
}

Result<u64> physical_allocate_unzeroed(u64 count) {
    return allocate_free_run(count, false);
}

void physical_free(u64 phys, u64 count) {
    InterruptGuard guard;
    u64 first = phys / PAGE_SIZE;
    for (u64 p = first; p < first + count; p++) {
        ASSERT(is_used(p));
        set_free(p);
    }
    g_free_pages += count;
    if (first < g_search_hint)
        g_search_hint = first;
}
