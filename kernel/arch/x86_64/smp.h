// smp.h: starting the application processors. The CPU count comes from CPUID's topology leaf
// (0xB), which QEMU fills from -smp; APIC IDs are taken as 0..N-1, as QEMU assigns them.
#pragma once

#include "lib/types.h"

// Starts every other CPU; each sets itself up and enters its idle loop. Returns the number of
// CPUs now online. Call with the kernel lock held and before the program starts.
u32 smp_start_application_processors();
