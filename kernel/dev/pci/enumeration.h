// enumeration.h: finding every PCI function, bus 0 first, then the buses behind bridges the
// firmware numbered.
#pragma once

#include "dev/pci/device.h"

namespace pci {

// Calls `found` for every function, in bus/device/function order. Memory BARs the firmware left
// unassigned get an address first (bar_window.h; call bar_window_init before). Nothing is
// found on a machine without PCI.
void enumerate(void (*found)(Device& device));

} // namespace pci
