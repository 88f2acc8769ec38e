// vdso_data.h: the page the kernel fills and the vDSO reads: the TSC-to-nanoseconds conversion
// the kernel itself uses, so time read in user space equals time read by syscalls.
#pragma once

#include <stdint.h>

struct VdsoData {
    uint64_t boot_tsc;          // TSC at which monotonic time was 0
    uint64_t ns_per_tsc_32;     // nanoseconds per TSC tick, 32.32 fixed point
    uint64_t realtime_at_boot;  // realtime = this + monotonic
    uint32_t has_rdtscp;        // getcpu may use RDTSCP (TSC_AUX holds the CPU index)
    uint32_t ready;             // 0 until the kernel filled the page: callers fall back to syscalls
};

// The data page sits at this offset inside the vDSO image (vdso.ld places it).
#define VDSO_DATA_OFFSET 0x1000
