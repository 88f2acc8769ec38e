// bar_window.cpp: a bump allocator over [start, I/O APIC). BARs are naturally aligned (their
// size is a power of two), so each is placed at the next multiple of its size.
#include "dev/pci/bar_window.h"
#include "lib/format.h"
#include "mm/layout.h"

namespace pci {

namespace {
constexpr u64 FOUR_GIB = 4 * GiB;
// The chipset's fixed devices start here: I/O APIC, HPET, local APIC, firmware flash.
constexpr u64 WINDOW_END = 0xfec00000;
constexpr u64 WINDOW_ALIGN = 16 * MiB;

u64 g_next = WINDOW_END;

bool in_window(u64 address) {
    return address >= g_next && address < WINDOW_END;
}
} // namespace

void bar_window_init(const HvmStartInfo& info) {
    auto* map = static_cast<const HvmMemmapEntry*>(phys_to_virt(info.memmap_paddr));
    u64 top = 0;
    for (u32 i = 0; i < info.memmap_entries; i++) {
        u64 end = map[i].addr + map[i].size;
        if (map[i].size && map[i].addr < FOUR_GIB)
            top = max(top, end);
    }
    g_next = min(align_up(top, WINDOW_ALIGN), WINDOW_END);
}

void bar_window_reserve(const Device& device) {
    for (int i = 0; i < Device::BAR_COUNT; i++) {
        const Bar& bar = device.bar(i);
        if (bar.size && !bar.is_io && bar.address && in_window(bar.address))
            g_next = min(bar.address + bar.size, WINDOW_END);
    }
}

void assign_unassigned_bars(Device& device) {
    if (device.address().bus != 0)
        return;
    for (int i = 0; i < Device::BAR_COUNT; i++) {
        const Bar& bar = device.bar(i);
        if (!bar.size || bar.is_io || bar.address)
            continue;
        u64 address = align_up(g_next, bar.size);
        if (address + bar.size > WINDOW_END || address + bar.size < address) {
            kprintf("ops kernel: no room for BAR %d (%lu bytes) of PCI device 0:%x.%x\n", i,
                    bar.size, device.address().device, device.address().function);
            continue;
        }
        device.assign_bar(i, address);
        g_next = address + bar.size;
    }
}

} // namespace pci
