// config_space.h: PCI configuration space access through the legacy mechanism #1 ports
// (0xcf8 address, 0xcfc data; [pci-local-bus-3.0] 3.2.2.3.2). It reaches the first 256 bytes
// of every function on every bus, which holds all we read (header, BARs, the capability list
// with virtio's and MSI-X's entries), on q35 and pc alike, without needing ACPI's MCFG table.
// On a machine without PCI (microvm) every read gives all ones.
#pragma once

#include "lib/types.h"

namespace pci {

struct Address {
    u8 bus;
    u8 device;   // 0..31
    u8 function; // 0..7
};

// `offset` is below 256; 16-bit accesses are 2-aligned and 32-bit ones 4-aligned.
u32 config_read32(Address address, u8 offset);
u16 config_read16(Address address, u8 offset);
u8 config_read8(Address address, u8 offset);
void config_write32(Address address, u8 offset, u32 value);
void config_write16(Address address, u8 offset, u16 value);

// Standard header offsets and bits ([pci-local-bus-3.0] 6.1, 6.2).
namespace header {
constexpr u8 VENDOR_ID = 0x00;
constexpr u8 DEVICE_ID = 0x02;
constexpr u8 COMMAND = 0x04;
constexpr u8 STATUS = 0x06;
constexpr u8 CLASS_REVISION = 0x08; // class << 24 | subclass << 16 | interface << 8 | revision
constexpr u8 HEADER_TYPE = 0x0e;
constexpr u8 BAR0 = 0x10;
constexpr u8 SUBSYSTEM_ID = 0x2e;
constexpr u8 CAPABILITIES = 0x34;
// Type 1 (PCI-to-PCI bridge) header.
constexpr u8 SECONDARY_BUS = 0x19;
} // namespace header

namespace command {
constexpr u16 IO_SPACE = 1 << 0;
constexpr u16 MEMORY_SPACE = 1 << 1;
constexpr u16 BUS_MASTER = 1 << 2;
constexpr u16 INTX_DISABLE = 1 << 10;
} // namespace command

constexpr u16 STATUS_CAPABILITIES = 1 << 4;
constexpr u16 NO_VENDOR = 0xffff;

} // namespace pci
