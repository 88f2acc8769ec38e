// cpu_time.cpp: CPU time accounting (see cpu_time.h). Each thread keeps its own totals and the
// monotonic time of its last stamp; the program's totals are atomic sums of every charge, so
// they are readable without the kernel lock (clock_gettime runs on the lock-free path).
#include "sched/cpu_time.h"
#include "arch/x86_64/per_cpu.h"
#include "sched/thread.h"
#include "time/clock.h"

namespace {

u64 g_user_ns;
u64 g_system_ns;
u64 g_voluntary;
u64 g_involuntary;
const CpuTimeListener* g_listener;

bool counted(const Thread* t) {
    return t && t != this_cpu().idle_thread;
}

void charge(Thread* t, u64 now, bool user) {
    u64 delta = now > t->cpu_stamp_ns ? now - t->cpu_stamp_ns : 0;
    t->cpu_stamp_ns = now;
    if (!delta)
        return;
    if (user) {
        t->user_ns += delta;
        __atomic_add_fetch(&g_user_ns, delta, __ATOMIC_RELAXED);
    } else {
        t->system_ns += delta;
        __atomic_add_fetch(&g_system_ns, delta, __ATOMIC_RELAXED);
    }
    if (g_listener)
        g_listener->charged(t, user ? delta : 0, user ? 0 : delta);
}

} // namespace

void cpu_time_set_listener(const CpuTimeListener* listener) {
    g_listener = listener;
}

u64 cpu_time_budget_ns() {
    return g_listener ? g_listener->budget_ns() : 0;
}

void cpu_time_enter_kernel() {
    Thread* t = current_thread();
    if (counted(t))
        charge(t, monotonic_ns(), true);
}

void cpu_time_leave_kernel() {
    Thread* t = current_thread();
    if (counted(t))
        charge(t, monotonic_ns(), false);
}

void cpu_time_switch(Thread* previous, Thread* next) {
    u64 now = monotonic_ns();
    if (counted(previous)) {
        charge(previous, now, false);
        if (previous->state == ThreadState::Running || previous->state == ThreadState::Runnable)
            __atomic_add_fetch(&g_involuntary, 1, __ATOMIC_RELAXED);
        else
            __atomic_add_fetch(&g_voluntary, 1, __ATOMIC_RELAXED);
    }
    next->cpu_stamp_ns = now;
}

CpuTimes thread_cpu_times(Thread* thread) {
    CpuTimes times{thread->user_ns, thread->system_ns};
    // The caller's running interval: it is in a lock-free call (clock_gettime), so the time
    // since its last stamp was spent in user mode.
    if (thread == current_thread()) {
        u64 now = monotonic_ns();
        if (now > thread->cpu_stamp_ns)
            times.user_ns += now - thread->cpu_stamp_ns;
    }
    return times;
}

CpuTimes process_cpu_times() {
    CpuTimes times{__atomic_load_n(&g_user_ns, __ATOMIC_RELAXED),
                   __atomic_load_n(&g_system_ns, __ATOMIC_RELAXED)};
    Thread* self = current_thread();
    if (counted(self)) {
        u64 now = monotonic_ns();
        if (now > self->cpu_stamp_ns)
            times.user_ns += now - self->cpu_stamp_ns;
    }
    return times;
}

SwitchCounts process_switch_counts() {
    return SwitchCounts{__atomic_load_n(&g_voluntary, __ATOMIC_RELAXED),
                        __atomic_load_n(&g_involuntary, __ATOMIC_RELAXED)};
}
