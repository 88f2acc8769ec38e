// tlb.cpp: a pending flag per CPU; the target reloads CR3 (dropping all non-global entries,
// which covers every user mapping) and clears its flag.
#include "mm/tlb.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/per_cpu.h"
#include "dev/interrupts.h"
#include "sched/kernel_lock.h"

namespace {
volatile bool g_flush_pending[MAX_CPUS];

void flush_local() { cpu::write_cr3(cpu::read_cr3()); }
} // namespace

void tlb_shootdown() {
    u32 self = this_cpu().index;
    u32 count = cpu_count();
    if (count == 1)
        return;
    bool waiting[MAX_CPUS] = {};
    for (u32 i = 0; i < count; i++) {
        if (i == self)
            continue;
        __atomic_store_n(&g_flush_pending[i], true, __ATOMIC_RELEASE);
        // An idle CPU runs no program code until it takes the kernel lock (which we hold) and
        // flushes in schedule(): no need to interrupt or wait for it.
        if (cpu_block(i).idle)
            continue;
        send_ipi(cpu_block(i).apic_id, vector::IPI_TLB_FLUSH);
        waiting[i] = true;
    }
    for (u32 i = 0; i < count; i++)
        while (waiting[i] && __atomic_load_n(&g_flush_pending[i], __ATOMIC_ACQUIRE))
            cpu::pause();
}

void tlb_shootdown_poll() {
    u32 self = this_cpu().index;
    if (__atomic_load_n(&g_flush_pending[self], __ATOMIC_ACQUIRE)) {
        flush_local();
        __atomic_store_n(&g_flush_pending[self], false, __ATOMIC_RELEASE);
    }
}

void tlb_flush_interrupt() { tlb_shootdown_poll(); }
