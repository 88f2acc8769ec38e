// futex.cpp: a hashed table of wait queues. Waiters sit on their bucket's list through their
// run_node (a blocked thread is on no run queue), tagged with the address they wait on.
#include "sched/futex.h"
#include "arch/x86_64/interrupt_guard.h"
#include "linux/user_memory.h"
#include "sched/scheduler.h"

namespace {

constexpr u64 BUCKETS = 256;
using WaitList = IntrusiveList<Thread, &Thread::run_node>;
WaitList g_buckets[BUCKETS];

WaitList& bucket_of(u64 address) { return g_buckets[(address >> 2) * 0x9e3779b97f4a7c15ull >> 56]; }

} // namespace

Result<u64> futex_wait(u64 address, u32 expected, u64 deadline_ns, u32 bitset) {
    if (address % 4 || bitset == 0)
        return Errno::EINVAL;
    u32 value;
    TRY(copy_from_user(&value, UserIn<u32>(address)));
    Thread* self = current_thread();
    {
        InterruptGuard guard;
        if (value != expected)
            return Errno::EAGAIN;
        self->futex_address = address;
        self->futex_bitset = bitset;
        bucket_of(address).push_back(self);
    }
    WakeReason reason = block_current(deadline_ns);
    {
        InterruptGuard guard;
        WaitList::remove(self); // still queued after a timeout or a signal
    }
    switch (reason) {
    case WakeReason::Woken:
        return 0;
    case WakeReason::TimedOut:
        return Errno::ETIMEDOUT;
    case WakeReason::Interrupted:
        return Errno::EINTR;
    }
    return 0;
}

u64 futex_wake(u64 address, u64 count, u32 bitset) {
    InterruptGuard guard;
    u64 woken = 0;
    bucket_of(address).for_each([&](Thread* t) {
        if (woken >= count || t->futex_address != address || !(t->futex_bitset & bitset))
            return;
        WaitList::remove(t);
        wake(t, WakeReason::Woken);
        woken++;
    });
    return woken;
}

u64 futex_requeue(u64 address, u64 wake_count, u64 target, u64 requeue_count) {
    InterruptGuard guard;
    u64 woken = 0, moved = 0;
    bucket_of(address).for_each([&](Thread* t) {
        if (t->futex_address != address)
            return;
        if (woken < wake_count) {
            WaitList::remove(t);
            wake(t, WakeReason::Woken);
            woken++;
        } else if (moved < requeue_count) {
            WaitList::remove(t);
            t->futex_address = target;
            bucket_of(target).push_back(t);
            moved++;
        }
    });
    return woken + moved;
}
