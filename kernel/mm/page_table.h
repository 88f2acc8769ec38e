// page_table.h: x86-64 4-level page tables ([intel/vol3] 4.5). One address space for the whole
// machine: the program in the lower half, the kernel in the upper half.
#pragma once

#include "lib/result.h"
#include "lib/types.h"

// A page-table entry with named accessors instead of loose masks.
class PageTableEntry {
  public:
    static constexpr u64 PRESENT = 1ull << 0;
    static constexpr u64 WRITABLE = 1ull << 1;
    static constexpr u64 USER = 1ull << 2;
    static constexpr u64 WRITE_THROUGH = 1ull << 3;
    static constexpr u64 CACHE_DISABLE = 1ull << 4;
    static constexpr u64 ACCESSED = 1ull << 5;
    static constexpr u64 DIRTY = 1ull << 6; // set by the CPU on the first write through the entry
    static constexpr u64 LARGE = 1ull << 7;
    static constexpr u64 GLOBAL = 1ull << 8;
    static constexpr u64 NO_EXECUTE = 1ull << 63;
    static constexpr u64 ADDRESS_MASK = 0x000ffffffffff000ull;

    u64 raw() const { return m_raw; }
    bool present() const { return m_raw & PRESENT; }
    bool large() const { return m_raw & LARGE; }
    u64 address() const { return m_raw & ADDRESS_MASK; }
    u64 flags() const { return m_raw & ~ADDRESS_MASK; }
    void set(u64 phys, u64 flags) { m_raw = (phys & ADDRESS_MASK) | flags; }
    void clear() { m_raw = 0; }
    // Clears bits the CPU may be setting concurrently (ACCESSED, DIRTY) without losing its update.
    void clear_bits_atomically(u64 bits) { __atomic_fetch_and(&m_raw, ~bits, __ATOMIC_SEQ_CST); }

  private:
    u64 m_raw = 0;
};

// Protection of a user mapping, in the kernel's terms.
enum class Protection : u8 { None = 0, Read = 1, Write = 2, Execute = 4 };
constexpr Protection operator|(Protection a, Protection b) {
    return Protection(u8(a) | u8(b));
}
constexpr bool has(Protection p, Protection bit) {
    return u8(p) & u8(bit);
}

// Builds the kernel's page tables (direct map, kernel image, device MMIO) and switches to them.
void paging_init();

// Maps one 4 KiB user page. Allocates intermediate tables; fails with ENOMEM.
Result<void> map_user_page(u64 va, u64 phys, Protection protection);
// Changes the protection of a mapped user page; returns false if it was not mapped.
bool protect_user_page(u64 va, Protection protection);
// Unmaps a user page and returns its physical address, or 0 when it was not mapped.
u64 unmap_user_page(u64 va);
// The physical address mapped at va (user page), or 0.
u64 user_page_physical(u64 va);
// Whether a page table for the 2 MiB-aligned range holding va exists: if not, none of the range's
// pages is mapped, and walks over the range can skip it.
bool user_page_table_present(u64 va);
// Whether the program wrote to the user page at va since it was mapped or last asked; clears the
// CPU's dirty bit and this CPU's TLB entry. Other CPUs may still hold the entry: the caller
// shoots their TLBs down before reading the page, so a later write marks it dirty again.
bool user_page_take_dirty(u64 va);
// Identity-maps one low page for the kernel only (the AP trampoline), and removes it.
Result<void> map_kernel_identity_page(u64 phys);
void unmap_kernel_identity_page(u64 phys);
// Maps a device's MMIO range (uncached) into the direct map.
void map_mmio(u64 phys, u64 size);
