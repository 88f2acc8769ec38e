// kernel_lock.h: the big kernel lock. All kernel code runs holding it (taken on every entry
// from user mode and by interrupt handlers, given up on return to user mode and while a CPU
// idles), so the single-CPU reasoning of the rest of the kernel stays true on SMP. It is
// recursive per CPU, so an interrupt on a CPU that holds it just nests.
#pragma once

#include "lib/types.h"

void kernel_lock_acquire();
void kernel_lock_release();
// How deep this CPU holds the lock (0 when it does not).
u32 kernel_lock_depth();
// Called while spinning with interrupts off: serves TLB flush requests so a CPU that holds
// the lock and waits for our acknowledgement cannot deadlock with us.
void tlb_shootdown_poll();
