// ioapic.cpp: I/O APIC register access through its index/data window and the redirection
// table ([intel/82093AA] 3.2).
#include "arch/x86_64/ioapic.h"
#include "dev/interrupts.h"
#include "lib/format.h"
#include "mm/layout.h"
#include "mm/page_table.h"

namespace {

constexpr u64 IOAPIC_PHYS = 0xfec00000;
constexpr u32 REGISTER_SELECT = 0x00;
constexpr u32 REGISTER_WINDOW = 0x10;
constexpr u32 VERSION = 0x01;
constexpr u32 REDIRECTION_TABLE = 0x10;
constexpr u32 MASKED = 1u << 16;

u32 g_lines = 0;

volatile u32& mmio(u32 offset) {
    return *reinterpret_cast<volatile u32*>(static_cast<u8*>(phys_to_virt(IOAPIC_PHYS)) + offset);
}

u32 read_register(u32 index) {
    mmio(REGISTER_SELECT) = index;
    return mmio(REGISTER_WINDOW);
}

void write_register(u32 index, u32 value) {
    mmio(REGISTER_SELECT) = index;
    mmio(REGISTER_WINDOW) = value;
}

} // namespace

void ioapic_init() {
    map_mmio(IOAPIC_PHYS, PAGE_SIZE);
    u32 version = read_register(VERSION);
    if (version == 0xffffffff) // no I/O APIC: nothing answers on the bus
        return;
    g_lines = ((version >> 16) & 0xff) + 1;
    for (u32 line = 0; line < g_lines; line++) {
        write_register(REDIRECTION_TABLE + 2 * line, MASKED);
        write_register(REDIRECTION_TABLE + 2 * line + 1, 0);
    }
}

bool ioapic_route(u32 gsi, u8 vector) {
    if (gsi >= g_lines)
        return false;
    // Physical destination mode, fixed delivery, edge, active high, to the boot CPU's APIC.
    write_register(REDIRECTION_TABLE + 2 * gsi + 1, lapic_id() << 24);
    write_register(REDIRECTION_TABLE + 2 * gsi, vector);
    return true;
}
