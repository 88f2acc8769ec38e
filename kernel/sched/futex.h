// futex.h: fast user-space mutex waits, keyed by user address (one address space, so private
// and shared futexes are the same). Callers in linux/ have validated and copied arguments.
#pragma once

#include "lib/result.h"
#include "lib/types.h"

constexpr u32 FUTEX_BITSET_MATCH_ANY = 0xffffffff;

// Blocks while *address == expected (checked atomically with respect to wakers: the kernel is
// not preempted). EAGAIN if it differs, ETIMEDOUT at the deadline, EINTR on a signal.
Result<u64> futex_wait(u64 address, u32 expected, u64 deadline_ns, u32 bitset);
// Wakes up to `count` waiters whose bitset intersects `bitset`; returns how many.
u64 futex_wake(u64 address, u64 count, u32 bitset);
// Wakes up to `wake_count` waiters on `address` and moves up to `requeue_count` others to
// `target`; returns the number woken plus requeued (as FUTEX_CMP_REQUEUE does).
u64 futex_requeue(u64 address, u64 wake_count, u64 target, u64 requeue_count);
