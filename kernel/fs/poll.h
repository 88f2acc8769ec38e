// poll.h: readiness bits and the one queue every poller (poll, select, epoll) sleeps on.
// Objects whose readiness changes call poll_notify(); pollers then recheck what they watch.
#pragma once

#include "lib/types.h"
#include "sched/thread.h"

namespace poll_bits {
constexpr u32 IN = 0x001;
constexpr u32 PRI = 0x002;
constexpr u32 OUT = 0x004;
constexpr u32 ERR = 0x008;
constexpr u32 HUP = 0x010;
constexpr u32 RDNORM = 0x040;
constexpr u32 WRNORM = 0x100;
constexpr u32 RDHUP = 0x2000;
} // namespace poll_bits

// Wakes every thread waiting in poll_wait.
void poll_notify();
// Counts poll_notify calls. A poller reads it before checking readiness and passes it to
// poll_wait, which returns at once if a notification came in between: notifications also come
// from interrupt handlers (network, timers), which can run between the check and the sleep.
u64 poll_sequence();
// Sleeps until poll_notify, the deadline (0 = none) or a signal; Woken at once when the sequence
// moved past `sequence`.
WakeReason poll_wait(u64 deadline_ns, u64 sequence);
