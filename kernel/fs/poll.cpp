// poll.cpp: the hashed table of poll registrations, notification (exclusive entries one at a
// time) and PollWaiter, the per-thread wait on several objects. The table changes with
// interrupts off (interrupt handlers notify) under the kernel lock.
#include "fs/poll.h"
#include "arch/x86_64/interrupt_guard.h"
#include "mm/heap.h"
#include "sched/scheduler.h"
#include "time/clock.h"

namespace {

constexpr u64 BUCKETS = 256;
constexpr u32 MAX_DEPTH = 5; // nested epoll instances followed (Linux allows 4 levels)
using Bucket = IntrusiveList<PollEntry, &PollEntry::node>;
Bucket g_buckets[BUCKETS];

Bucket& bucket_of(const void* object) {
    return g_buckets[(u64(object) >> 4) * 0x9e3779b97f4a7c15ull >> 56];
}

bool wake_thread_entry(PollEntry* entry, u32) {
    Thread* t = static_cast<ThreadPollEntry*>(entry)->thread;
    __atomic_store_n(&t->poll_notified, true, __ATOMIC_SEQ_CST);
    // Only a sleep in PollWaiter::wait is ended: between its checks the thread may block for
    // something else (a page fault reading a file), which a notification must not cut short.
    if (t->poll_sleeping)
        wake(t, WakeReason::Woken);
    return true; // registered means in the middle of a poll: it will see the change
}

} // namespace

void poll_register(PollEntry* entry, const void* object, bool exclusive) {
    InterruptGuard guard;
    entry->object = object;
    entry->exclusive = exclusive;
    bucket_of(object).push_back(entry);
}

void poll_unregister(PollEntry* entry) {
    InterruptGuard guard;
    Bucket::remove(entry);
}

bool poll_notify_nested(const void* object, u32 depth) {
    if (depth > MAX_DEPTH)
        return false;
    InterruptGuard guard;
    Bucket& bucket = bucket_of(object);
    bool reached = false;
    bucket.for_each([&](PollEntry* e) {
        if (e->object == object && !e->exclusive && e->notify(e, depth))
            reached = true;
    });
    // EPOLLEXCLUSIVE: the first exclusive entry that reaches a waiting thread takes the
    // notification; if none does, every one of them has it recorded.
    bool taken = false;
    bucket.for_each([&](PollEntry* e) {
        if (!taken && e->object == object && e->exclusive && e->notify(e, depth))
            taken = true;
    });
    return reached || taken;
}

void poll_notify(const void* object) {
    poll_notify_nested(object, 0);
}

void poll_notify() {
    InterruptGuard guard;
    for (Bucket& bucket : g_buckets)
        bucket.for_each([](PollEntry* e) { e->notify(e, MAX_DEPTH + 1); });
}

PollWaiter::PollWaiter(u64 capacity) {
    if (capacity <= INLINE)
        return;
    auto* entries = static_cast<ThreadPollEntry*>(kmalloc(sizeof(ThreadPollEntry) * capacity));
    if (!entries)
        return; // watch() reports ENOMEM past the inline entries
    m_entries = entries;
    m_capacity = capacity;
}

PollWaiter::~PollWaiter() {
    for (u64 i = 0; i < m_count; i++)
        poll_unregister(&m_entries[i]);
    if (m_entries != m_inline)
        kfree(m_entries);
}

void PollWaiter::arm() {
    m_rounds++;
    __atomic_store_n(&current_thread()->poll_notified, false, __ATOMIC_SEQ_CST);
}

Result<void> PollWaiter::watch(const void* object) {
    if (m_rounds > 1 || (m_count && m_entries[m_count - 1].object == object))
        return {}; // registered in the first round
    if (m_count == m_capacity)
        return Errno::ENOMEM;
    ThreadPollEntry* entry = new (&m_entries[m_count]) ThreadPollEntry();
    entry->thread = current_thread();
    entry->notify = wake_thread_entry;
    poll_register(entry, object);
    m_count++;
    return {};
}

WakeReason PollWaiter::wait(u64 deadline_ns) {
    // Interrupts stay off from the check until the thread is blocked (block_current switches
    // away with them off), so an interrupt handler's notification cannot fall in between; one
    // from another CPU needs the kernel lock, which this thread holds until it switches.
    InterruptGuard guard;
    if (__atomic_load_n(&current_thread()->poll_notified, __ATOMIC_SEQ_CST))
        return WakeReason::Woken;
    if (deadline_ns && monotonic_ns() >= deadline_ns)
        return WakeReason::TimedOut;
    Thread* self = current_thread();
    self->poll_sleeping = true;
    WakeReason reason = block_current(deadline_ns);
    self->poll_sleeping = false;
    return reason;
}
