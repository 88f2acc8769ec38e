// fpu.h: the program's floating-point and vector registers (x87, SSE, AVX, AVX-512). With
// XSAVE ([intel/vol1] 13) every component the CPU has is enabled and saved; without it, FXSAVE
// covers x87 and SSE. The kernel never uses these registers itself, so the program's state
// stays live in the CPU while it is in the kernel and is saved only on a thread switch.
#pragma once

#include "lib/types.h"

// Detects XSAVE and sizes the save area (boot CPU, once).
void fpu_init();
// Enables the chosen components on the calling CPU (every CPU).
void fpu_init_cpu();
bool fpu_uses_xsave();
// Bytes of a save area: the XSAVE size for the enabled components, or 512 for FXSAVE.
u64 fpu_state_size();
u64 fpu_enabled_features(); // XCR0

// `area` must be 64-byte aligned and fpu_state_size() long.
void fpu_save(u8* area);
void fpu_restore(const u8* area);
