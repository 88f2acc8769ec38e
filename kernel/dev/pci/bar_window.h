// bar_window.h: addresses for memory BARs the firmware left unassigned. qboot, the fast
// firmware ops uses on q35, enumerates nothing, so the kernel places the virtio devices' BARs
// itself: in the hole below 4 GiB, above everything the memory map lists there and below the
// I/O APIC, where QEMU's q35 and pc route accesses to the PCI bus.
#pragma once

#include "arch/x86_64/pvh.h"
#include "dev/pci/device.h"

namespace pci {

// Computes the window from the boot memory map (RAM and reserved ranges such as MMCONFIG).
void bar_window_init(const HvmStartInfo& info);
// Keeps the window clear of the memory BARs the firmware did assign.
void bar_window_reserve(const Device& device);
// Gives every unassigned memory BAR of a bus-0 device an address from the window (BARs behind a
// bridge would need the bridge's window programmed too: those are left to the firmware). A BAR
// that does not fit stays unassigned, with a console line.
void assign_unassigned_bars(Device& device);

} // namespace pci
