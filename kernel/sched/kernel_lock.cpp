// kernel_lock.cpp: a test-and-set lock with an owner and depth. Not a ticket lock: an interrupt
// that nests on a CPU already spinning must be able to take it first.
#include "sched/kernel_lock.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/interrupt_guard.h"
#include "arch/x86_64/per_cpu.h"
#include "lib/panic.h"

namespace {
constexpr u32 NO_OWNER = ~0u;
u32 g_owner = NO_OWNER;
u32 g_depth;
} // namespace

void kernel_lock_acquire() {
    u32 self = this_cpu().index;
    if (__atomic_load_n(&g_owner, __ATOMIC_ACQUIRE) == self) {
        g_depth++;
        return;
    }
    for (;;) {
        {
            // Owner and depth change together: an interrupt between them would nest on a lock
            // that looks held with a stale depth, and its release would free it under us.
            InterruptGuard guard;
            u32 expected = NO_OWNER;
            if (__atomic_compare_exchange_n(&g_owner, &expected, self, false, __ATOMIC_ACQUIRE,
                                            __ATOMIC_RELAXED)) {
                g_depth = 1;
                return;
            }
        }
        while (__atomic_load_n(&g_owner, __ATOMIC_RELAXED) != NO_OWNER) {
            tlb_shootdown_poll();
            cpu::pause();
        }
    }
}

void kernel_lock_release() {
    InterruptGuard guard;
    if (__atomic_load_n(&g_owner, __ATOMIC_RELAXED) != this_cpu().index)
        panic("kernel lock released by cpu %u, which does not hold it", this_cpu().index);
    if (--g_depth == 0)
        __atomic_store_n(&g_owner, NO_OWNER, __ATOMIC_RELEASE);
}

u32 kernel_lock_depth() {
    return __atomic_load_n(&g_owner, __ATOMIC_RELAXED) == this_cpu().index ? g_depth : 0;
}
