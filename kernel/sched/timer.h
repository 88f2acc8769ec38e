// timer.h: one-shot kernel timers on a single sorted list, run by the APIC timer interrupt.
// Sleeping threads, interval timers, POSIX timers and timerfds are all built on it.
#pragma once

#include "lib/list.h"
#include "lib/types.h"

struct KernelTimer {
    u64 deadline = 0; // monotonic ns
    ListNode node;
    // Runs in the timer interrupt (kernel lock held, interrupts off). May re-arm the timer.
    void (*fire)(KernelTimer* timer) = nullptr;
    bool armed() const { return node.linked(); }
};

// Arms (or re-arms) a timer for a monotonic deadline.
void timer_start(KernelTimer* timer, u64 deadline_ns);
void timer_cancel(KernelTimer* timer);
// The earliest armed deadline, 0 when none.
u64 timer_earliest();
// Runs every timer whose deadline has passed.
void timer_run_expired(u64 now_ns);

// The object a timer is embedded in (like Linux's container_of).
template <typename T, KernelTimer T::*Member>
T* timer_owner(KernelTimer* timer) {
    auto offset = reinterpret_cast<size_t>(&(static_cast<T*>(nullptr)->*Member));
    return reinterpret_cast<T*>(reinterpret_cast<char*>(timer) - offset);
}
