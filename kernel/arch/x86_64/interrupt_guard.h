// interrupt_guard.h: disables interrupts for a scope and restores the previous state, for data
// shared with interrupt handlers (run queue, timers) on this CPU.
#pragma once

#include "lib/types.h"

class InterruptGuard {
  public:
    InterruptGuard() {
        asm volatile("pushfq; pop %0; cli" : "=r"(m_flags) : : "memory");
    }
    ~InterruptGuard() {
        if (m_flags & (1 << 9))
            asm volatile("sti" ::: "memory");
    }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

  private:
    u64 m_flags;
};
