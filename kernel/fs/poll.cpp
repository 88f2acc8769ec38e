// poll.cpp: the global readiness wait queue. One queue keeps every poller correct at the cost
// of extra wake-ups; per-object queues can replace it when it shows in profiles.
#include "fs/poll.h"
#include "arch/x86_64/interrupt_guard.h"
#include "sched/wait_queue.h"

namespace {
WaitQueue g_pollers;
u64 g_sequence;
} // namespace

void poll_notify() {
    __atomic_add_fetch(&g_sequence, 1, __ATOMIC_RELEASE);
    g_pollers.wake_all();
}

u64 poll_sequence() { return __atomic_load_n(&g_sequence, __ATOMIC_ACQUIRE); }

WakeReason poll_wait(u64 deadline_ns, u64 sequence) {
    // Interrupts stay off from the check until this thread is on the queue (wait() blocks with
    // them off and the scheduler restores them), so no notification can fall in between.
    InterruptGuard guard;
    if (poll_sequence() != sequence)
        return WakeReason::Woken;
    return g_pollers.wait(deadline_ns);
}
