// poll.cpp: the global readiness wait queue. One queue keeps every poller correct at the cost
// of extra wake-ups; per-object queues can replace it when it shows in profiles.
#include "fs/poll.h"
#include "sched/wait_queue.h"

namespace {
WaitQueue g_pollers;
}

void poll_notify() { g_pollers.wake_all(); }
WakeReason poll_wait(u64 deadline_ns) { return g_pollers.wait(deadline_ns); }
