// layout.h: the virtual address map. The program owns the lower half; the kernel lives in the
// upper half: a direct map of all physical memory and the kernel image at -2 GiB.
#pragma once

#include "lib/types.h"

constexpr u64 PAGE_SIZE = 4096;
constexpr u64 LARGE_PAGE_SIZE = 2 * MiB;
constexpr u64 KERNEL_VMA = 0xffffffff80000000;
constexpr u64 DIRECT_MAP_BASE = 0xffff800000000000;
// User addresses are below this (the canonical lower half, minus the top guard page).
constexpr u64 USER_END = 0x00007ffffffff000;

// Physical address to its kernel virtual address.
void* phys_to_virt(u64 phys);
u64 virt_to_phys(const void* virt);
