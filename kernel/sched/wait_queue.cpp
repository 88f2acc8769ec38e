// wait_queue.cpp: blocking on and waking a queue of threads.
#include "sched/wait_queue.h"
#include "arch/x86_64/interrupt_guard.h"
#include "sched/scheduler.h"

WakeReason WaitQueue::wait(u64 deadline_ns) {
    Thread* self = current_thread();
    {
        InterruptGuard guard;
        m_waiters.push_back(self);
    }
    WakeReason reason = block_current(deadline_ns);
    {
        InterruptGuard guard;
        decltype(m_waiters)::remove(self);
    }
    return reason;
}

void WaitQueue::wake_all() {
    InterruptGuard guard;
    while (Thread* t = m_waiters.pop_front())
        wake(t, WakeReason::Woken);
}

void WaitQueue::wake_one() {
    InterruptGuard guard;
    if (Thread* t = m_waiters.pop_front())
        wake(t, WakeReason::Woken);
}
