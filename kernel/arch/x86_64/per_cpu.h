// per_cpu.h: the per-CPU block reached through %gs in kernel mode. The first fields are read by
// syscall_entry.S at fixed offsets; keep them in sync.
#pragma once

#include "lib/types.h"

struct Thread;

struct PerCpu {
    PerCpu* self;          // 0
    u64 kernel_stack_top;  // 8: syscall entry stack (the current thread's)
    u64 user_rsp_scratch;  // 16
    Thread* current_thread;
    u32 cpu_index;
};

PerCpu& this_cpu();
