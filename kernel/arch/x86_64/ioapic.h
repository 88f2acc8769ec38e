// ioapic.h: the I/O APIC ([intel/82093AA]), which turns device interrupt lines (global system
// interrupts) into vectors on a CPU's local APIC. QEMU's microvm has one at 0xfec00000 with the
// virtio-mmio lines on it.
#pragma once

#include "lib/types.h"

// Maps the I/O APIC and masks every line.
void ioapic_init();
// Routes line `gsi` to `vector` on the boot CPU: edge-triggered, active high (how virtio-mmio
// lines are delivered on microvm), unmasked. False when the line does not exist.
bool ioapic_route(u32 gsi, u8 vector);
