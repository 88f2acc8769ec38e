// msix.cpp: the MSI-X capability and table entries. Entry layout: message address low, high,
// data, vector control (bit 0: masked).
#include "dev/pci/msix.h"
#include "mm/layout.h"
#include "mm/page_table.h"

namespace pci {

namespace {
constexpr u8 CAPABILITY_ID = 0x11;
constexpr u8 MESSAGE_CONTROL = 2;
constexpr u8 TABLE_LOCATION = 4; // offset | BAR index in bits 0..2
constexpr u16 CONTROL_ENABLE = 1 << 15;
constexpr u16 CONTROL_FUNCTION_MASK = 1 << 14;
constexpr u16 CONTROL_TABLE_SIZE = 0x7ff; // entries - 1
constexpr u32 ENTRY_BYTES = 16;
constexpr u32 VECTOR_CONTROL_MASKED = 1;
// The local APICs' message window: writes here are interrupts ([intel/vol3] 11.11.1).
constexpr u64 MESSAGE_ADDRESS_BASE = 0xfee00000;
} // namespace

Result<Msix> Msix::enable(Device& device) {
    u8 capability = device.find_capability(CAPABILITY_ID);
    if (!capability)
        return Errno::ENODEV;
    Address address = device.address();
    u16 control = config_read16(address, u8(capability + MESSAGE_CONTROL));
    u32 location = config_read32(address, u8(capability + TABLE_LOCATION));
    int bar_index = int(location & 7);
    u64 offset = location & ~7u;
    u16 entries = u16((control & CONTROL_TABLE_SIZE) + 1);
    if (bar_index >= Device::BAR_COUNT)
        return Errno::ENODEV;
    const Bar& bar = device.bar(bar_index);
    if (bar.is_io || bar.address == 0 || offset + u64(entries) * ENTRY_BYTES > bar.size)
        return Errno::ENODEV;
    u64 table_phys = bar.address + offset;
    map_mmio(table_phys, u64(entries) * ENTRY_BYTES);
    device.enable(command::MEMORY_SPACE | command::BUS_MASTER | command::INTX_DISABLE);

    Msix msix;
    msix.m_table = static_cast<volatile u32*>(phys_to_virt(table_phys));
    msix.m_entries = entries;
    // The whole function masked while the entries are made safe, then each entry masked on
    // its own and the function mask lifted: an entry speaks once route() programs it.
    config_write16(address, u8(capability + MESSAGE_CONTROL),
                   u16(control | CONTROL_ENABLE | CONTROL_FUNCTION_MASK));
    for (u16 i = 0; i < entries; i++)
        msix.mask(i);
    config_write16(address, u8(capability + MESSAGE_CONTROL),
                   u16((control | CONTROL_ENABLE) & ~CONTROL_FUNCTION_MASK));
    return msix;
}

volatile u32* Msix::entry_word(u16 entry, u32 word) {
    return m_table + (u64(entry) * ENTRY_BYTES) / 4 + word;
}

void Msix::mask(u16 entry) {
    if (entry >= m_entries)
        return;
    *entry_word(entry, 3) = *entry_word(entry, 3) | VECTOR_CONTROL_MASKED;
}

void Msix::route(u16 entry, u32 apic_id, u8 vector) {
    if (entry >= m_entries)
        return;
    mask(entry);
    *entry_word(entry, 0) = u32(MESSAGE_ADDRESS_BASE | (u64(apic_id & 0xff) << 12));
    *entry_word(entry, 1) = 0;
    *entry_word(entry, 2) = vector; // fixed delivery mode, edge-triggered
    *entry_word(entry, 3) = *entry_word(entry, 3) & ~VECTOR_CONTROL_MASKED;
}

} // namespace pci
