// cpu_setup.h: per-CPU feature set-up done on every CPU: SSE for the program, SYSCALL/SYSRET.
#pragma once

#include "lib/types.h"

void cpu_setup_features(u32 index);
