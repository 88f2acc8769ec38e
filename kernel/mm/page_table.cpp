// page_table.cpp: building and editing the page tables. The direct map uses 2 MiB pages;
// user mappings use 4 KiB pages so permissions can differ page by page.
#include "mm/page_table.h"
#include "arch/x86_64/cpu.h"
#include "lib/panic.h"
#include "mm/layout.h"
#include "mm/physical.h"

namespace {

PageTableEntry* g_pml4;
bool g_direct_map_ready = false;

constexpr unsigned index_of(u64 va, int level) {
    return (va >> (12 + 9 * level)) & 511;
}

PageTableEntry* table_at(u64 phys) {
    return static_cast<PageTableEntry*>(phys_to_virt(phys));
}

// Walks to the entry for va at `level` (0 = the 4 KiB PTE), creating tables when asked.
PageTableEntry* walk(u64 va, int target_level, bool create, u64 table_flags) {
    PageTableEntry* table = g_pml4;
    for (int level = 3; level > target_level; level--) {
        PageTableEntry& entry = table[index_of(va, level)];
        if (!entry.present()) {
            if (!create)
                return nullptr;
            auto page = physical_allocate();
            if (page.is_error())
                return nullptr;
            entry.set(page.value(),
                      PageTableEntry::PRESENT | PageTableEntry::WRITABLE | table_flags);
        } else if (entry.large()) {
            return nullptr;
        }
        table = table_at(entry.address());
    }
    return &table[index_of(va, target_level)];
}

void map_large(u64 va, u64 phys, u64 flags) {
    PageTableEntry* entry = walk(va, 1, true, 0);
    if (!entry)
        panic("out of memory building the direct map");
    entry->set(phys, flags | PageTableEntry::PRESENT | PageTableEntry::LARGE);
}

u64 user_flags(Protection p) {
    u64 flags = PageTableEntry::USER;
    if (p != Protection::None)
        flags |= PageTableEntry::PRESENT;
    if (has(p, Protection::Write))
        flags |= PageTableEntry::WRITABLE;
    if (!has(p, Protection::Execute))
        flags |= PageTableEntry::NO_EXECUTE;
    return flags;
}

} // namespace

void* phys_to_virt(u64 phys) {
    // Before the direct map exists, the early tables map the first 1 GiB at KERNEL_VMA.
    if (!g_direct_map_ready) {
        if (phys >= GiB)
            panic("early access to physical %lx above 1 GiB", phys);
        return reinterpret_cast<void*>(phys + KERNEL_VMA);
    }
    return reinterpret_cast<void*>(phys + DIRECT_MAP_BASE);
}

u64 virt_to_phys(const void* virt) {
    u64 va = u64(virt);
    if (va >= KERNEL_VMA)
        return va - KERNEL_VMA;
    return va - DIRECT_MAP_BASE;
}

void paging_init() {
    g_pml4 = table_at(MUST(physical_allocate()));
    constexpr u64 kernel_flags = PageTableEntry::WRITABLE | PageTableEntry::GLOBAL;
    // Direct map of all RAM, then the 4 GiB hole's top (LAPIC, IOAPIC, virtio-mmio) uncached.
    u64 end = align_up(physical_memory_end(), LARGE_PAGE_SIZE);
    for (u64 p = 0; p < end; p += LARGE_PAGE_SIZE)
        map_large(DIRECT_MAP_BASE + p, p, kernel_flags | PageTableEntry::NO_EXECUTE);
    // The kernel image: first 1 GiB at -2 GiB, as the early tables had it.
    for (u64 p = 0; p < GiB; p += LARGE_PAGE_SIZE)
        map_large(KERNEL_VMA + p, p, kernel_flags);
    cpu::write_cr3(virt_to_phys(g_pml4));
    g_direct_map_ready = true;
    cpu::write_cr0(cpu::read_cr0() | cpu::cr0::WP);
}

void map_mmio(u64 phys, u64 size) {
    constexpr u64 mmio_flags = PageTableEntry::PRESENT | PageTableEntry::WRITABLE |
                               PageTableEntry::LARGE | PageTableEntry::CACHE_DISABLE |
                               PageTableEntry::NO_EXECUTE;
    for (u64 p = align_down(phys, LARGE_PAGE_SIZE); p < phys + size; p += LARGE_PAGE_SIZE) {
        PageTableEntry* entry = walk(DIRECT_MAP_BASE + p, 1, true, 0);
        if (!entry)
            panic("out of memory mapping MMIO");
        if (entry->present() && entry->address() == p &&
            (entry->flags() & mmio_flags) == mmio_flags)
            continue;
        // Absent, or part of the write-back direct map: with more RAM than fits below the 4 GiB
        // hole, the direct map spans the hole and so the PCI BARs in it. Device registers must
        // not be cached, so the entry is replaced. Called while devices are probed, before the
        // other CPUs start, so this CPU's invlpg is enough.
        entry->set(p, mmio_flags);
        cpu::invlpg(DIRECT_MAP_BASE + p);
    }
}

Result<void> map_kernel_identity_page(u64 phys) {
    PageTableEntry* entry = walk(phys, 0, true, PageTableEntry::USER);
    if (!entry)
        return Errno::ENOMEM;
    entry->set(phys, PageTableEntry::PRESENT | PageTableEntry::WRITABLE);
    cpu::invlpg(phys);
    return {};
}

void unmap_kernel_identity_page(u64 phys) {
    PageTableEntry* entry = walk(phys, 0, false, 0);
    if (entry)
        entry->clear();
    cpu::invlpg(phys);
}

Result<void> map_user_page(u64 va, u64 phys, Protection protection) {
    PageTableEntry* entry = walk(va, 0, true, PageTableEntry::USER);
    if (!entry)
        return Errno::ENOMEM;
    entry->set(phys, user_flags(protection));
    cpu::invlpg(va);
    return {};
}

bool protect_user_page(u64 va, Protection protection) {
    PageTableEntry* entry = walk(va, 0, false, 0);
    if (!entry || !entry->address())
        return false;
    // Keep the dirty bit: shared file mappings write back only what the program changed.
    u64 kept = entry->flags() & (PageTableEntry::DIRTY | PageTableEntry::ACCESSED);
    entry->set(entry->address(), user_flags(protection) | kept);
    cpu::invlpg(va);
    return true;
}

u64 unmap_user_page(u64 va) {
    PageTableEntry* entry = walk(va, 0, false, 0);
    if (!entry || !entry->address())
        return 0;
    u64 phys = entry->address();
    entry->clear();
    cpu::invlpg(va);
    return phys;
}

bool user_page_table_present(u64 va) {
    return walk(va, 0, false, 0) != nullptr;
}

u64 user_page_physical(u64 va) {
    PageTableEntry* entry = walk(va, 0, false, 0);
    if (!entry)
        return 0;
    return entry->address();
}

bool user_page_take_dirty(u64 va) {
    PageTableEntry* entry = walk(va, 0, false, 0);
    if (!entry || !entry->address() || !(entry->flags() & PageTableEntry::DIRTY))
        return false;
    entry->clear_bits_atomically(PageTableEntry::DIRTY);
    cpu::invlpg(va);
    return true;
}
