// device.h: one PCI function as found by enumeration: its identity, its base address registers
// (read and sized once, [pci-local-bus-3.0] 6.2.5.1) and its capability list (6.7).
#pragma once

#include "dev/pci/config_space.h"
#include "lib/types.h"

namespace pci {

struct Bar {
    u64 address = 0; // physical base; 0 when the firmware left it unassigned
    u64 size = 0;    // 0: the BAR does not exist
    bool is_io = false;
    bool is_64bit = false;
    bool prefetchable = false;
};

class Device {
  public:
    static constexpr int BAR_COUNT = 6;

    // Reads the header of the function at `address` (which must exist) and sizes its BARs.
    explicit Device(Address address);

    Address address() const { return m_address; }
    u16 vendor_id() const { return m_vendor_id; }
    u16 device_id() const { return m_device_id; }
    u16 subsystem_id() const { return config_read16(m_address, header::SUBSYSTEM_ID); }
    const Bar& bar(int index) const { return m_bars[index]; }
    // Places memory BAR `index` at `address` (aligned to its size by the caller).
    void assign_bar(int index, u64 address);

    // The config-space offset of the first capability with `id` after the one at `after`
    // (0: from the start of the list), or 0 when there is none. The walk is bounded, so a
    // looping list cannot hang the kernel.
    u8 find_capability(u8 id, u8 after = 0) const;

    // Sets bits in the command register (memory decoding, bus mastering, INTx off).
    void enable(u16 command_bits);

  private:
    void size_bars();

    Address m_address;
    u16 m_vendor_id;
    u16 m_device_id;
    Bar m_bars[BAR_COUNT];
};

// Whether a function answers at `address` (its vendor ID is not all ones).
bool exists(Address address);

} // namespace pci
