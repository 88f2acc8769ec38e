// poll.h: readiness bits and per-object wait queues for poll, select, epoll and blocking reads
// of timerfds and signalfds. A waitable object (pipe end, eventfd, socket, timerfd, signalfd,
// epoll instance) calls poll_notify(object) when its readiness may have changed; that wakes
// only the pollers registered on that object. Registrations live in a hashed table keyed by
// the object's address, so objects need no field of their own.
#pragma once

#include "lib/list.h"
#include "lib/result.h"
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

// One registration of interest in an object's readiness.
struct PollEntry {
    ListNode node;
    const void* object = nullptr;
    // Exclusive entries (EPOLLEXCLUSIVE) are notified one at a time: a notification stops at
    // the first exclusive entry that reaches a waiting thread.
    bool exclusive = false;
    // Runs inside poll_notify (interrupts off, kernel lock held; must not block or unregister
    // entries). `depth` counts nested epoll forwarding. Returns whether a waiting thread was
    // reached.
    bool (*notify)(PollEntry* entry, u32 depth) = nullptr;
};

void poll_register(PollEntry* entry, const void* object, bool exclusive = false);
void poll_unregister(PollEntry* entry);

// Wakes the waiters registered on `object` (any context, interrupt handlers included).
void poll_notify(const void* object);
// The same from an epoll forwarding a notification; returns whether a thread was reached.
bool poll_notify_nested(const void* object, u32 depth);
// Wakes every registered waiter: for readiness that is not tied to one object (pending signals
// seen by signalfds).
void poll_notify();

// A PollEntry that wakes one thread.
struct ThreadPollEntry : PollEntry {
    Thread* thread = nullptr;
};

// The calling thread's wait on up to `capacity` objects. Use: arm(), then watch() each object
// before reading its readiness, then wait() if nothing was ready; loop. A notification that
// comes after watch() (from another thread or an interrupt handler) makes wait() return at
// once, so none is lost between the check and the sleep. Unregisters when destroyed.
class PollWaiter {
  public:
    explicit PollWaiter(u64 capacity = 1);
    ~PollWaiter();
    PollWaiter(const PollWaiter&) = delete;
    PollWaiter& operator=(const PollWaiter&) = delete;

    // Starts a round of checks: notifications from here on make wait() return.
    void arm();
    // Registers on `object` during the first round (later rounds check the same objects);
    // ENOMEM when the capacity is used up or could not be allocated.
    Result<void> watch(const void* object);
    // Sleeps until a watched object is notified, the deadline (monotonic ns, 0 = none) or a
    // signal.
    WakeReason wait(u64 deadline_ns);

  private:
    static constexpr u64 INLINE = 4;
    ThreadPollEntry m_inline[INLINE];
    ThreadPollEntry* m_entries = m_inline;
    u64 m_count = 0;
    u64 m_capacity = INLINE;
    u64 m_rounds = 0;
};
