// spin_lock.h: an interrupt-safe spinlock for short critical sections shared between CPUs and
// interrupt handlers (per-CPU run queues). Holding it keeps interrupts off on this CPU, so an
// interrupt handler on the same CPU can never spin on a lock its own CPU holds.
#pragma once

#include "lib/types.h"

class SpinLock {
  public:
    // Disables interrupts, returns the previous flags for release().
    u64 acquire() {
        u64 flags;
        asm volatile("pushfq; pop %0; cli" : "=r"(flags) : : "memory");
        while (__atomic_exchange_n(&m_locked, true, __ATOMIC_ACQUIRE))
            while (__atomic_load_n(&m_locked, __ATOMIC_RELAXED))
                asm volatile("pause");
        return flags;
    }
    void release(u64 flags) {
        __atomic_store_n(&m_locked, false, __ATOMIC_RELEASE);
        if (flags & (1 << 9))
            asm volatile("sti" ::: "memory");
    }

  private:
    bool m_locked = false;
};

// Holds a SpinLock for a scope.
class SpinLockGuard {
  public:
    explicit SpinLockGuard(SpinLock& lock) : m_lock(lock), m_flags(lock.acquire()) {}
    ~SpinLockGuard() { m_lock.release(m_flags); }
    SpinLockGuard(const SpinLockGuard&) = delete;
    SpinLockGuard& operator=(const SpinLockGuard&) = delete;

  private:
    SpinLock& m_lock;
    u64 m_flags;
};
