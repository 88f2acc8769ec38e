// cpu_setup.h: per-CPU feature set-up done on every CPU: SSE for the program, SYSCALL/SYSRET.
#pragma once

void cpu_setup_features();
