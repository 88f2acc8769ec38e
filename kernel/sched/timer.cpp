// timer.cpp: the sorted timer list. Interrupt-safe through InterruptGuard.
#include "sched/timer.h"
#include "arch/x86_64/interrupt_guard.h"
#include "sched/scheduler.h"

namespace {
IntrusiveList<KernelTimer, &KernelTimer::node> g_timers;
}

void timer_start(KernelTimer* timer, u64 deadline_ns) {
    InterruptGuard guard;
    decltype(g_timers)::remove(timer);
    timer->deadline = deadline_ns ? deadline_ns : 1;
    KernelTimer* after = nullptr;
    g_timers.for_each([&](KernelTimer* t) {
        if (!after && t->deadline > timer->deadline)
            after = t;
    });
    if (after)
        g_timers.insert_before(after, timer);
    else
        g_timers.push_back(timer);
    // This CPU's APIC timer may be set for later (or not at all): program it again.
    if (g_timers.front() == timer)
        scheduler_rearm_timer();
}

void timer_cancel(KernelTimer* timer) {
    InterruptGuard guard;
    decltype(g_timers)::remove(timer);
}

u64 timer_earliest() {
    InterruptGuard guard;
    KernelTimer* first = g_timers.front();
    return first ? first->deadline : 0;
}

void timer_run_expired(u64 now_ns) {
    InterruptGuard guard;
    // Bounded: a timer that re-arms itself into the past runs once per call.
    for (int budget = 1024; budget > 0; budget--) {
        KernelTimer* t = g_timers.front();
        if (!t || t->deadline > now_ns)
            break;
        decltype(g_timers)::remove(t);
        if (t->fire)
            t->fire(t);
    }
}
