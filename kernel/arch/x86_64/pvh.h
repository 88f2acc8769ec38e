// pvh.h: the Xen PVH start info the VMM hands us ([xen] public/arch-x86/hvm/start_info.h).
#pragma once

#include "lib/types.h"

struct HvmStartInfo {
    static constexpr u32 MAGIC = 0x336ec578;
    u32 magic;
    u32 version;
    u32 flags;
    u32 nr_modules;
    u64 modlist_paddr;
    u64 cmdline_paddr;
    u64 rsdp_paddr;
    u64 memmap_paddr; // version >= 1
    u32 memmap_entries;
    u32 reserved;
};
static_assert(sizeof(HvmStartInfo) == 56);

struct HvmMemmapEntry {
    static constexpr u32 RAM = 1;
    u64 addr;
    u64 size;
    u32 type;
    u32 reserved;
};
static_assert(sizeof(HvmMemmapEntry) == 24);
