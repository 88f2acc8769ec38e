// address_space.cpp: region list operations, demand paging (anonymous pages zero-filled, file
// pages read from the file on first touch), and MAP_SHARED write-back on msync, munmap and exit.
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
// Write-back takes the dirty bits of this many pages, shoots the TLBs down once, then writes.
constexpr u64 WRITE_BACK_BATCH = 64;

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

} // namespace

AddressSpace& current_address_space() {
    return g_address_space;
}

bool handle_page_fault(u64 address, u64 error_code) {
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

Result<u64> AddressSpace::allocate_page(const Region& region, u64 va) {
    u64 phys = TRY(physical_allocate());
    if (MappedFile* file = region.backing.file) {
        u64 offset = region.backing.offset + (va - region.start);
        u64 size = file->size();
        if (offset < size) {
            auto got = file->read(offset, static_cast<u8*>(phys_to_virt(phys)),
                                  min(PAGE_SIZE, size - offset));
            if (got.is_error()) {
                physical_free(phys);
                return got.error();
            }
        }
    }
    return phys;
}

Result<void> AddressSpace::write_back(const Region& region, u64 start, u64 end) {
    MappedFile* file = region.backing.file;
    for (u64 batch = start; batch < end; batch += WRITE_BACK_BATCH * PAGE_SIZE) {
        u64 batch_end = min(end, batch + WRITE_BACK_BATCH * PAGE_SIZE);
        u64 dirty = 0;
        for (u64 va = batch; va < batch_end; va += PAGE_SIZE)
            if (user_page_take_dirty(va))
                dirty |= 1ull << ((va - batch) / PAGE_SIZE);
        if (!dirty)
            continue;
        // Other CPUs must stop writing through entries that still say "dirty" before the page
        // is copied, or a write after the copy would never be written back.
        tlb_shootdown();
        u64 size = file->size();
        for (u64 va = batch; va < batch_end; va += PAGE_SIZE) {
            if (!(dirty & (1ull << ((va - batch) / PAGE_SIZE))))
                continue;
            u64 offset = region.backing.offset + (va - region.start);
            if (offset >= size)
                break; // Linux writes nothing past the end of the file either
            u64 phys = user_page_physical(va);
            TRY(file->write(offset, static_cast<const u8*>(phys_to_virt(phys)),
                            min(PAGE_SIZE, size - offset)));
        }
    }
    return {};
}

void AddressSpace::release_pages(u64 start, u64 end) {
    for (u64 va = start; va < end; va += PAGE_SIZE) {
        u64 phys = unmap_user_page(va);
        if (phys)
            physical_free(phys);
    }
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
            // munmap has no way to report a failed write-back; Linux loses it the same way.
            if (r->shared_file())
                (void)write_back(*r, r->start, r->end);
            release_pages(r->start, r->end);
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
                protect_user_page(va, protection);
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
    // Moving loses the pages' dirty bits: write shared file pages back first.
    if (r->shared_file())
        TRY(write_back(*r, old_addr, old_addr + old_length));
    Protection protection = r->protection;
    u64 target =
        TRY(map(0, new_length, protection, MapPlacement::Anywhere, r->name, backing_at(old_addr)));
    // Move the pages by remapping them; untouched ones are still filled on first touch (zeros,
    // or the file's bytes).
    for (u64 off = 0; off < old_length; off += PAGE_SIZE) {
        u64 phys = unmap_user_page(old_addr + off);
        if (!phys)
            continue;
        if (u64 filled = unmap_user_page(target + off))
            physical_free(filled);
        TRY(map_user_page(target + off, phys, protection));
    }
    TRY(unmap(old_addr, old_length));
    return target;
}

Result<void> AddressSpace::discard(u64 addr, u64 length) {
    u64 end = align_up(addr + length, PAGE_SIZE);
    if (end < addr || end > USER_END)
        return Errno::EINVAL;
    for (u64 va = addr; va < end; va += PAGE_SIZE) {
        Region* r = find(va);
        if (!r)
            return Errno::ENOMEM;
        if (r->shared_file())
            TRY(write_back(*r, va, va + PAGE_SIZE));
        // The next touch reads a file page from the file again, as from Linux's page cache.
        u64 phys = unmap_user_page(va);
        if (phys)
            physical_free(phys);
    }
    tlb_shootdown();
    return {};
}

Result<void> AddressSpace::sync(u64 addr, u64 length, SyncMode mode) {
    u64 end = align_up(addr + length, PAGE_SIZE);
    if (end < addr || end > USER_END)
        return Errno::ENOMEM;
    bool unmapped = false;
    for (u64 va = addr; va < end;) {
        Region* r = find(va);
        if (!r) {
            unmapped = true; // Linux syncs what is mapped, then reports the hole
            va += PAGE_SIZE;
            continue;
        }
        u64 stop = min(end, r->end);
        if (r->shared_file()) {
            TRY(write_back(*r, va, stop));
            if (mode == SyncMode::Durable)
                TRY(r->backing.file->sync());
        }
        va = stop;
    }
    if (unmapped)
        return Errno::ENOMEM;
    return {};
}

void AddressSpace::sync_all() {
    for (Region* r = m_regions; r; r = r->next)
        if (r->shared_file())
            (void)write_back(*r, r->start, r->end);
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
        u64 phys = TRY(allocate_page(*r, va));
        if (auto mapped = map_user_page(va, phys, r->protection); mapped.is_error()) {
            physical_free(phys);
            return mapped;
        }
    }
    return {};
}

Result<void> AddressSpace::write_bytes(u64 addr, const void* data, u64 length) {
    auto* src = static_cast<const u8*>(data);
    TRY(populate(addr, length));
    while (length) {
        u64 page_offset = addr % PAGE_SIZE;
        u64 n = min(length, PAGE_SIZE - page_offset);
        u64 phys = user_page_physical(align_down(addr, PAGE_SIZE));
        memcpy(static_cast<u8*>(phys_to_virt(phys)) + page_offset, src, n);
        addr += n;
        src += n;
        length -= n;
    }
    return {};
}

bool AddressSpace::handle_fault(u64 address, u64 error_code) {
    if (address >= USER_END)
        return false;
    Region* r = find(address);
    if (!r)
        return false;
    if (error_code & PF_PRESENT)
        return false; // a protection violation on a present page
    if ((error_code & PF_WRITE) && !has(r->protection, Protection::Write))
        return false;
    if ((error_code & PF_INSTRUCTION) && !has(r->protection, Protection::Execute))
        return false;
    if (r->protection == Protection::None)
        return false;
    u64 va = align_down(address, PAGE_SIZE);
    if (user_page_physical(va)) {
        // Another CPU mapped it while this fault waited for the kernel lock: the access is
        // allowed (checked above), so let it run again. Drop any stale entry of ours first.
        cpu::invlpg(va);
        return true;
    }
    // Anonymous pages start zeroed; file pages hold the file's bytes (zeros past its end).
    auto phys = allocate_page(*r, va);
    if (phys.is_error())
        return false;
    if (user_page_physical(va)) {
        // Reading the file let another CPU fault the same page in first: use its page.
        physical_free(phys.value());
        return true;
    }
    if (map_user_page(va, phys.value(), r->protection).is_error()) {
        physical_free(phys.value());
        return false;
    }
    return true;
}
