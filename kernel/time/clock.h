// clock.h: the kernel's clocks. Monotonic time comes from the TSC, calibrated at boot; real
// time is the host's wall clock passed by ops at boot plus monotonic time since.
#pragma once

#include "lib/types.h"

void clock_init();
u64 monotonic_ns();
u64 realtime_ns();
void set_realtime_ns(u64 now);
u64 tsc_frequency_hz();
// The conversion monotonic_ns() uses, for the vDSO's data page.
void clock_parameters(u64* boot_tsc, u64* ns_per_tsc_32, u64* realtime_at_boot);
