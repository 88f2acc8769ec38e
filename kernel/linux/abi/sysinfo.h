// sysinfo.h: struct sysinfo ([linux] include/uapi/linux/sysinfo.h), x86-64 layout.
#pragma once

#include "lib/types.h"

#include <stddef.h>

struct LinuxSysinfo {
    i64 uptime;   // seconds since boot
    u64 loads[3]; // 1, 5 and 15 minute load averages, fixed point with 16 fraction bits
    u64 totalram; // in units of mem_unit
    u64 freeram;
    u64 sharedram;
    u64 bufferram;
    u64 totalswap;
    u64 freeswap;
    u16 procs; // number of tasks (threads)
    u16 pad;
    u64 totalhigh;
    u64 freehigh;
    u32 mem_unit;
    u8 padding[4];
};
static_assert(sizeof(LinuxSysinfo) == 112);
static_assert(offsetof(LinuxSysinfo, procs) == 80);
static_assert(offsetof(LinuxSysinfo, totalhigh) == 88);
static_assert(offsetof(LinuxSysinfo, mem_unit) == 104);
