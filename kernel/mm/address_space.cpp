// address_space.cpp: region list operations and demand paging. Anonymous pages start zeroed;
// file regions map the file's cached pages (mm/page_cache.h) themselves: MAP_SHARED ones
// read-only until the first store marks the page dirty, MAP_PRIVATE ones read-only until a
// store copies the page (copy on write). Past the end of the file an access is a bus error.
#include "mm/address_space.h"
#include "arch/x86_64/cpu.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/physical.h"
#include "mm/tlb.h"

namespace {

AddressSpace g_address_space;

constexpr u64 PF_PRESENT = 1 << 0;
constexpr u64 PF_WRITE = 1 << 1;
constexpr u64 PF_INSTRUCTION = 1 << 4;
// mmap never hands out addresses below this (the first 64 KiB stay unmapped, as Linux's
// vm.mmap_min_addr), so null pointer dereferences always fault.
constexpr u64 MMAP_MIN_ADDRESS = 0x10000;

// Whether `next` continues `region` so the two can be one region.
bool continues(const Region& region, const Region& next) {
    if (region.end != next.start || region.protection != next.protection ||
        region.name != next.name)
        return false;
    const FileBacking &a = region.backing, &b = next.backing;
    if (!a.file && !b.file)
        return true;
    return a.file == b.file && a.shared == b.shared && a.may_write == b.may_write &&
           b.offset == a.offset + (region.end - region.start);
}

PageCache* cache_of(const Region& region) {
    return region.backing.file ? region.backing.file->page_cache() : nullptr;
}

// The index of the file page that `va` of a file region shows.
u64 file_index(const Region& region, u64 va) {
    return (region.backing.offset + (va - region.start)) / PAGE_SIZE;
}

Protection without_write(Protection protection) {
    return Protection(u8(protection) & ~u8(Protection::Write));
}

} // namespace

AddressSpace& current_address_space() {
    return g_address_space;
}

FaultResult handle_page_fault(u64 address, u64 error_code) {
    return g_address_space.handle_fault(address, error_code);
}

Region* AddressSpace::find(u64 address) const {
    for (Region* r = m_regions; r; r = r->next)
        if (address >= r->start && address < r->end)
            return r;
    return nullptr;
}

bool AddressSpace::range_free(u64 start, u64 end) const {
    for (Region* r = m_regions; r; r = r->next)
        if (r->start < end && start < r->end)
            return false;
    return true;
}

Result<u64> AddressSpace::find_free(u64 length) const {
    u64 candidate = m_mmap_top - length;
    for (int attempts = 0; attempts < 100000; attempts++) {
        if (candidate < MMAP_MIN_ADDRESS || candidate > m_mmap_top)
            return Errno::ENOMEM;
        Region* blocker = nullptr;
        for (Region* r = m_regions; r; r = r->next)
            if (r->start < candidate + length && candidate < r->end)
                blocker = r;
        if (!blocker)
            return candidate;
        if (blocker->start < length)
            return Errno::ENOMEM;
        candidate = blocker->start - length;
    }
    return Errno::ENOMEM;
}

void AddressSpace::merge_adjacent() {
    for (Region* r = m_regions; r && r->next;) {
        Region* n = r->next;
        if (continues(*r, *n)) {
            r->end = n->end;
            r->next = n->next;
            destroy_region(n);
            continue;
        }
        r = n;
    }
}

void AddressSpace::insert(Region* region) {
    Region** link = &m_regions;
    while (*link && (*link)->start < region->start)
        link = &(*link)->next;
    region->next = *link;
    *link = region;
}

Result<void> AddressSpace::split_at(u64 address) {
    Region* r = find(address);
    if (!r || r->start == address)
        return {};
    FileBacking backing = r->backing;
    if (backing.file)
        backing.offset += address - r->start;
    auto* tail = make<Region>(Region{address, r->end, r->protection, r->next, r->name, backing});
    if (!tail)
        return Errno::ENOMEM;
    if (backing.file)
        backing.file->acquire();
    r->end = address;
    r->next = tail;
    return {};
}

void AddressSpace::destroy_region(Region* region) {
    if (region->backing.file)
        region->backing.file->release();
    destroy(region);
}

Result<u64> AddressSpace::allocate_page() {
    return physical_allocate();
}

Protection AddressSpace::page_protection(const Region& region, u64 va, u64 phys) const {
    PageCache* cache = cache_of(region);
    CachedPage* page = cache ? cache->find(file_index(region, va)) : nullptr;
    if (!page || page->phys != phys)
        return region.protection; // anonymous, or a private copy
    if (region.backing.shared && page->dirty)
        return region.protection;
    return without_write(region.protection);
}

FaultResult AddressSpace::copy_on_write(const Region& region, u64 va, CachedPage* page) {
    PageCache* cache = cache_of(region);
    bool replacing = user_page_physical(va) == page->phys;
    cache->mapped(page); // held while copying: allocating may reclaim clean pages
    auto copy = allocate_page();
    if (copy.is_error()) {
        cache->unmapped(page);
        return FaultResult::Violation;
    }
    memcpy(phys_to_virt(copy.value()), phys_to_virt(page->phys), PAGE_SIZE);
    if (map_user_page(va, copy.value(), region.protection).is_error()) {
        physical_free(copy.value());
        cache->unmapped(page);
        return FaultResult::Violation;
    }
    cache->unmapped(page);
    if (replacing) {
        cache->unmapped(page);
        tlb_shootdown(); // other threads must not go on reading the file's page
    }
    return FaultResult::Resolved;
}

FaultResult AddressSpace::fault_in(const Region& region, u64 va, bool write) {
    u64 phys = user_page_physical(va);
    PageCache* cache = cache_of(region);
    if (!cache) {
        if (phys) {
            // Another CPU mapped it while this fault waited for the kernel lock: the access is
            // allowed (the caller checked), so let it run again. Drop any stale entry of ours.
            cpu::invlpg(va);
            return FaultResult::Resolved;
        }
        auto fresh = allocate_page();
        if (fresh.is_error())
            return FaultResult::Violation;
        if (map_user_page(va, fresh.value(), region.protection).is_error()) {
            physical_free(fresh.value());
            return FaultResult::Violation;
        }
        return FaultResult::Resolved;
    }
    u64 index = file_index(region, va);
    CachedPage* page = cache->find(index);
    if (phys && !(page && page->phys == phys)) {
        cpu::invlpg(va); // a private copy, mapped with the region's protection
        return FaultResult::Resolved;
    }
    if (!phys) {
        if (index * PAGE_SIZE >= cache->store().store_size())
            return FaultResult::BusError; // past the end of the file, as Linux: SIGBUS
        auto got = cache->get(index);
        if (got.is_error())
            return got.error() == Errno::ENOMEM ? FaultResult::Violation : FaultResult::BusError;
        page = got.value();
        if (write && !region.backing.shared)
            return copy_on_write(region, va, page);
        if (write)
            cache->mark_dirty(page);
        cache->mapped(page); // before mapping: page tables may need memory, and reclaim
        if (map_user_page(va, page->phys, page_protection(region, va, page->phys)).is_error()) {
            cache->unmapped(page);
            return FaultResult::Violation;
        }
        return FaultResult::Resolved;
    }
    // The file's page is mapped read-only and the program writes to it.
    if (!write) {
        cpu::invlpg(va);
        return FaultResult::Resolved;
    }
    if (!region.backing.shared)
        return copy_on_write(region, va, page);
    cache->mark_dirty(page);
    protect_user_page(va, region.protection);
    return FaultResult::Resolved;
}

void AddressSpace::release_page(const Region& region, u64 va) {
    u64 phys = unmap_user_page(va);
    if (!phys)
        return;
    if (PageCache* cache = cache_of(region)) {
        CachedPage* page = cache->find(file_index(region, va));
        if (page && page->phys == phys) {
            cache->unmapped(page);
            return;
        }
    }
    physical_free(phys);
}

void AddressSpace::release_pages(const Region& region, u64 start, u64 end) {
    for (u64 va = start; va < end;) {
        // Ranges never touched have no page table: skip them 2 MiB at a time (a dead thread's
        // 8 MiB stack, released by glibc with MADV_DONTNEED, is mostly untouched).
        if (!user_page_table_present(va)) {
            va = align_down(va, LARGE_PAGE_SIZE) + LARGE_PAGE_SIZE;
            continue;
        }
        release_page(region, va);
        va += PAGE_SIZE;
    }
}

void AddressSpace::write_protect_file_pages(const PageCache* cache, CachedPage* const* pages,
                                            u64 count) {
    for (Region* r = m_regions; r; r = r->next) {
        if (!r->shared_file() || !has(r->protection, Protection::Write) || cache_of(*r) != cache)
            continue;
        u64 first = r->backing.offset / PAGE_SIZE;
        u64 last = first + (r->end - r->start) / PAGE_SIZE;
        for (u64 i = 0; i < count; i++) {
            if (pages[i]->index < first || pages[i]->index >= last)
                continue;
            u64 va = r->start + (pages[i]->index - first) * PAGE_SIZE;
            if (user_page_physical(va) == pages[i]->phys)
                protect_user_page(va, without_write(r->protection));
        }
    }
}

void AddressSpace::unmap_file_pages(const PageCache* cache, u64 first_index) {
    bool unmapped = false;
    for (Region* r = m_regions; r; r = r->next) {
        if (cache_of(*r) != cache)
            continue;
        u64 first = r->backing.offset / PAGE_SIZE;
        u64 last = first + (r->end - r->start) / PAGE_SIZE;
        for (u64 index = max(first, first_index); index < last; index++) {
            release_page(*r, r->start + (index - first) * PAGE_SIZE);
            unmapped = true;
        }
    }
    if (unmapped)
        tlb_shootdown();
}

Result<u64> AddressSpace::map(u64 addr, u64 length, Protection protection, MapPlacement placement,
                              const char* name, FileBacking backing) {
    if (length == 0)
        return Errno::EINVAL;
    length = align_up(length, PAGE_SIZE);
    if (length == 0 || length > USER_END)
        return Errno::ENOMEM;
    u64 start;
    if (placement == MapPlacement::Fixed || placement == MapPlacement::FixedNoReplace) {
        if (addr % PAGE_SIZE || addr + length > USER_END || addr + length < addr)
            return Errno::EINVAL;
        if (!range_free(addr, addr + length)) {
            if (placement == MapPlacement::FixedNoReplace)
                return Errno::EEXIST;
            TRY(unmap(addr, length));
        }
        start = addr;
    } else {
        u64 hint = align_down(addr, PAGE_SIZE);
        if (placement == MapPlacement::Hint && hint >= MMAP_MIN_ADDRESS &&
            hint + length <= USER_END && hint + length > hint && range_free(hint, hint + length))
            start = hint;
        else
            start = TRY(find_free(length));
    }
    auto* region = make<Region>(Region{start, start + length, protection, nullptr, name, backing});
    if (!region)
        return Errno::ENOMEM;
    if (backing.file)
        backing.file->acquire();
    insert(region);
    merge_adjacent();
    return start;
}

Result<void> AddressSpace::unmap(u64 addr, u64 length) {
    if (addr % PAGE_SIZE || length == 0)
        return Errno::EINVAL;
    u64 end = align_up(addr + length, PAGE_SIZE);
    if (end > USER_END || end < addr)
        return Errno::EINVAL;
    TRY(split_at(addr));
    TRY(split_at(end));
    Region** link = &m_regions;
    while (*link) {
        Region* r = *link;
        if (r->start >= addr && r->end <= end) {
            // Dirty file pages stay dirty in the cache, written back within a second.
            release_pages(*r, r->start, r->end);
            *link = r->next;
            destroy_region(r);
            continue;
        }
        link = &r->next;
    }
    tlb_shootdown();
    return {};
}

Result<void> AddressSpace::protect(u64 addr, u64 length, Protection protection) {
    if (addr % PAGE_SIZE)
        return Errno::EINVAL;
    u64 end = align_up(addr + length, PAGE_SIZE);
    if (end < addr || end > USER_END)
        return Errno::ENOMEM;
    // Linux: ENOMEM if any page of the range is unmapped; EACCES for write access to a shared
    // file mapping whose descriptor was read-only.
    for (u64 va = addr; va < end;) {
        Region* r = find(va);
        if (!r)
            return Errno::ENOMEM;
        if (r->shared_file() && !r->backing.may_write && has(protection, Protection::Write))
            return Errno::EACCES;
        va = r->end;
    }
    TRY(split_at(addr));
    TRY(split_at(end));
    for (Region* r = m_regions; r; r = r->next) {
        if (r->start >= addr && r->end <= end) {
            r->protection = protection;
            for (u64 va = r->start; va < r->end; va += PAGE_SIZE)
                if (u64 phys = user_page_physical(va))
                    protect_user_page(va, page_protection(*r, va, phys));
        }
    }
    merge_adjacent();
    tlb_shootdown();
    return {};
}

Result<u64> AddressSpace::remap(u64 old_addr, u64 old_length, u64 new_length, bool may_move,
                                bool fixed, u64 new_addr) {
    if (old_addr % PAGE_SIZE || new_length == 0)
        return Errno::EINVAL;
    old_length = align_up(old_length, PAGE_SIZE);
    new_length = align_up(new_length, PAGE_SIZE);
    Region* r = find(old_addr);
    if (!r || old_addr + old_length > r->end)
        return Errno::EFAULT;
    if (fixed)
        return Errno::EINVAL; // MREMAP_FIXED: FIXME: not supported yet
    if (new_length <= old_length) {
        if (new_length < old_length)
            TRY(unmap(old_addr + new_length, old_length - new_length));
        return old_addr;
    }
    // A file mapping goes on with the file's next bytes.
    auto backing_at = [r](u64 address) {
        FileBacking backing = r->backing;
        if (backing.file)
            backing.offset += address - r->start;
        return backing;
    };
    // Grow in place when the pages after it are free.
    u64 grow_end = old_addr + new_length;
    if (r->end == old_addr + old_length && grow_end <= USER_END &&
        range_free(old_addr + old_length, grow_end)) {
        TRY(map(old_addr + old_length, new_length - old_length, r->protection, MapPlacement::Fixed,
                r->name, backing_at(old_addr + old_length)));
        return old_addr;
    }
    if (!may_move)
        return Errno::ENOMEM;
    u64 target = TRY(
        map(0, new_length, r->protection, MapPlacement::Anywhere, r->name, backing_at(old_addr)));
    // Move the pages by remapping them (a file's pages keep their count of mappings); untouched
    // ones are still filled on first touch.
    const Region& moved = *find(target);
    for (u64 off = 0; off < old_length; off += PAGE_SIZE) {
        u64 phys = unmap_user_page(old_addr + off);
        if (!phys)
            continue;
        TRY(map_user_page(target + off, phys, page_protection(moved, target + off, phys)));
    }
    TRY(unmap(old_addr, old_length));
    return target;
}

Result<void> AddressSpace::discard(u64 addr, u64 length) {
    u64 end = align_up(addr + length, PAGE_SIZE);
    if (end < addr || end > USER_END)
        return Errno::EINVAL;
    for (u64 va = addr; va < end;) {
        Region* r = find(va);
        if (!r)
            return Errno::ENOMEM;
        // The next touch shows the file's page again (shared changes stay in the cache).
        u64 stop = min(end, r->end);
        release_pages(*r, va, stop);
        va = stop;
    }
    tlb_shootdown();
    return {};
}

Result<void> AddressSpace::sync(u64 addr, u64 length, SyncMode mode) {
    u64 end = align_up(addr + length, PAGE_SIZE);
    if (end < addr || end > USER_END)
        return Errno::ENOMEM;
    bool unmapped = false;
    MappedFile* last_synced = nullptr;
    for (u64 va = addr; va < end;) {
        Region* r = find(va);
        if (!r) {
            unmapped = true; // Linux syncs what is mapped, then reports the hole
            va += PAGE_SIZE;
            continue;
        }
        // The cache holds what the mapping changed (read() sees it already); MS_SYNC writes the
        // file's dirty pages and makes them durable. MS_ASYNC has nothing to start: dirty pages
        // go to the disk within a second anyway (Linux too treats it as a no-op).
        u64 stop = min(end, r->end);
        if (r->shared_file() && mode == SyncMode::Durable && r->backing.file != last_synced) {
            TRY(r->backing.file->sync());
            last_synced = r->backing.file;
        }
        va = stop;
    }
    if (unmapped)
        return Errno::ENOMEM;
    return {};
}

void AddressSpace::sync_all() {
    for (Region* r = m_regions; r; r = r->next)
        if (PageCache* cache = r->shared_file() ? cache_of(*r) : nullptr)
            (void)cache->write_back();
}

u64 AddressSpace::brk(u64 requested) {
    if (requested < m_heap_start)
        return m_heap_end;
    u64 old_top = align_up(m_heap_end, PAGE_SIZE);
    u64 new_top = align_up(requested, PAGE_SIZE);
    if (new_top > old_top) {
        if (!range_free(old_top, new_top))
            return m_heap_end;
        if (map(old_top, new_top - old_top, Protection::Read | Protection::Write,
                MapPlacement::Fixed, "[heap]")
                .is_error())
            return m_heap_end;
    } else if (new_top < old_top) {
        (void)unmap(new_top, old_top - new_top);
    }
    m_heap_end = requested;
    return m_heap_end;
}

Result<void> AddressSpace::populate(u64 addr, u64 length) {
    for (u64 va = align_down(addr, PAGE_SIZE); va < addr + length; va += PAGE_SIZE) {
        Region* r = find(va);
        if (!r)
            return Errno::EFAULT;
        if (user_page_physical(va))
            continue;
        // Pages past the end of a file stay unmapped (touching them is a bus error).
        if (fault_in(*r, va, false) == FaultResult::Violation)
            return Errno::ENOMEM;
    }
    return {};
}

Result<void> AddressSpace::write_bytes(u64 addr, const void* data, u64 length) {
    auto* src = static_cast<const u8*>(data);
    while (length) {
        u64 va = align_down(addr, PAGE_SIZE);
        Region* r = find(va);
        if (!r)
            return Errno::EFAULT;
        // As a store would: a private copy of a file page, or a shared page marked dirty.
        if (fault_in(*r, va, true) != FaultResult::Resolved)
            return Errno::EFAULT;
        u64 page_offset = addr % PAGE_SIZE;
        u64 n = min(length, PAGE_SIZE - page_offset);
        u64 phys = user_page_physical(va);
        memcpy(static_cast<u8*>(phys_to_virt(phys)) + page_offset, src, n);
        addr += n;
        src += n;
        length -= n;
    }
    return {};
}

FaultResult AddressSpace::handle_fault(u64 address, u64 error_code) {
    if (address >= USER_END)
        return FaultResult::Violation;
    Region* r = find(address);
    if (!r)
        return FaultResult::Violation;
    bool write = error_code & PF_WRITE;
    if (write && !has(r->protection, Protection::Write))
        return FaultResult::Violation;
    if ((error_code & PF_INSTRUCTION) && !has(r->protection, Protection::Execute))
        return FaultResult::Violation;
    if (r->protection == Protection::None)
        return FaultResult::Violation;
    // A present page of an anonymous region faults only on a real protection violation; a file
    // page may be read-only until its first store (dirty tracking, copy on write).
    if ((error_code & PF_PRESENT) && !r->backing.file)
        return FaultResult::Violation;
    return fault_in(*r, align_down(address, PAGE_SIZE), write);
}
