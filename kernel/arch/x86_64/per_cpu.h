// per_cpu.h: the per-CPU block reached through %gs in kernel mode, one per CPU, with that CPU's
// GDT and TSS. The first fields are read by syscall_entry.S at fixed offsets; keep them in sync.
#pragma once

#include "lib/types.h"

struct Thread;

constexpr u32 MAX_CPUS = 64;

struct [[gnu::packed]] TaskStateSegment {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
};
static_assert(sizeof(TaskStateSegment) == 104);

struct PerCpu {
    PerCpu* self;         // 0
    u64 kernel_stack_top; // 8: syscall entry stack (the current thread's)
    u64 user_rsp_scratch; // 16
    Thread* current_thread;
    Thread* idle_thread;
    u32 index;
    u32 apic_id;
    bool need_resched;
    bool idle;
    u64 slice_end;
    u64 timer_deadline; // when this CPU's APIC timer fires (monotonic ns), 0 when stopped
    Thread* zombie;     // a dead thread freed once this CPU is off its stack
    alignas(16) u64 gdt[8];
    alignas(16) TaskStateSegment tss;
    alignas(16) u8 double_fault_stack[8192];
};

// Inline: it is on every syscall's path. Volatile, so a read is never reused across a switch
// that moved the thread to another CPU.
inline PerCpu& this_cpu() {
    PerCpu* p;
    asm volatile("mov %%gs:0, %0" : "=r"(p));
    return *p;
}
PerCpu& cpu_block(u32 index);
u32 cpu_count();
void set_cpu_count(u32 count);
