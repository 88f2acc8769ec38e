// gdt.h: segment selectors and the per-CPU GDT/TSS. The selector order is fixed by SYSCALL/SYSRET
// ([intel/vol3] 5.8.8): user data must sit 8 bytes below user code.
#pragma once

#include "lib/types.h"

namespace selector {
constexpr u16 KERNEL_CODE = 0x08;
constexpr u16 KERNEL_DATA = 0x10;
constexpr u16 USER_CODE32 = 0x18; // SYSRET's base selector (unused as a segment)
constexpr u16 USER_DATA = 0x20 | 3;
constexpr u16 USER_CODE = 0x28 | 3;
constexpr u16 TSS = 0x30;
} // namespace selector

// Loads CPU `index`'s GDT and TSS and points %gs at its per-CPU block.
void gdt_init(u32 index);
// The stack the CPU switches to on an interrupt from user mode.
void tss_set_kernel_stack(u64 top);
