// msix.h: MSI-X ([pci-local-bus-3.0] 6.8.2): a table of message address/data pairs in one of
// the device's memory BARs. Each entry is a message the device writes to the local APIC's
// interrupt window ([intel/vol3] 11.11) to raise a vector on a CPU: no I/O APIC line and no
// ACPI routing tables (_PRT) are involved.
#pragma once

#include "dev/pci/device.h"
#include "lib/result.h"

namespace pci {

class Msix {
  public:
    // Finds the capability, maps the table, masks every entry and turns MSI-X on (INTx off).
    // ENODEV when the device has no MSI-X or its table lies outside an assigned memory BAR.
    static Result<Msix> enable(Device& device);

    Msix() = default;
    u16 entry_count() const { return m_entries; }
    // Points entry `entry` at `vector` on the local APIC `apic_id` (fixed delivery, edge,
    // physical destination) and unmasks it. A message the device raised while the entry was
    // masked is pending and is delivered now.
    void route(u16 entry, u32 apic_id, u8 vector);
    void mask(u16 entry);

  private:
    volatile u32* entry_word(u16 entry, u32 word);
    volatile u32* m_table = nullptr;
    u16 m_entries = 0;
};

} // namespace pci
