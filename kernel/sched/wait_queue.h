// wait_queue.h: threads waiting for something (pipe data, readiness, ...). A waiter checks its
// condition, then calls wait(); because the kernel is not preempted, no wake-up can slip in
// between on this CPU. Not for use from interrupt handlers except wake_*.
#pragma once

#include "sched/thread.h"

class WaitQueue {
  public:
    // Blocks until woken, the deadline (monotonic ns, 0 = none) or a signal.
    WakeReason wait(u64 deadline_ns = 0);
    void wake_all();
    void wake_one();

  private:
    IntrusiveList<Thread, &Thread::run_node> m_waiters;
};
