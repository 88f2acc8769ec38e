// physical.h: the physical page allocator (a bitmap over RAM reported by the VMM).
// Interrupt-safe callers only after locks land with SMP; today a single CPU, no IRQ users.
#pragma once

#include "lib/result.h"
#include "lib/types.h"

struct HvmStartInfo;

// Records usable RAM from the PVH memory map, reserving the kernel image and the bitmap itself.
void physical_init(const HvmStartInfo& info);
// Highest physical address of RAM (exclusive), for the direct map.
u64 physical_memory_end();
// Allocates `count` contiguous zeroed pages; returns their physical address.
Result<u64> physical_allocate(u64 count = 1);
// The same without zeroing, for memory the caller fills at once (the page cache reading a file).
// Never reclaims: the caller frees what it can first.
Result<u64> physical_allocate_unzeroed(u64 count);
void physical_free(u64 phys, u64 count = 1);
u64 physical_free_pages();
u64 physical_total_pages();
