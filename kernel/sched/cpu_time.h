// cpu_time.h: per-thread and whole-program CPU time, user and system, measured at the points
// where a thread crosses between user and kernel mode or between CPUs' threads: entry from user
// mode (syscalls that take the kernel lock, faults, interrupts), the return to user mode, and
// the thread switch. Calls on the lock-free syscall path take no timestamp, so their few
// hundred nanoseconds count as user time. Sleeping and idle time count for nobody.
#pragma once

#include "lib/types.h"

struct Thread;

struct CpuTimes {
    u64 user_ns;
    u64 system_ns;
};

// Whoever counts CPU time down (interval_timers.cpp, for ITIMER_VIRTUAL and ITIMER_PROF).
struct CpuTimeListener {
    // Called for every charge to `thread`, with the kernel lock held.
    void (*charged)(Thread* thread, u64 user_ns, u64 system_ns);
    // The least CPU time until the next expiry, 0 when nothing counts down: a CPU running a
    // program thread arms its timer no later than that, so a busy loop that never enters the
    // kernel is still charged in time.
    u64 (*budget_ns)();
};
void cpu_time_set_listener(const CpuTimeListener* listener);
// The listener's budget (0 = none).
u64 cpu_time_budget_ns();

// The current thread entered the kernel from user mode: the time since its last stamp was
// spent in user mode.
void cpu_time_enter_kernel();
// The current thread is about to return to user mode: the time since its last stamp was spent
// in the kernel.
void cpu_time_leave_kernel();
// A switch from `previous` (in the kernel) to `next` on this CPU. Either may be the idle
// thread, which is not counted.
void cpu_time_switch(Thread* previous, Thread* next);

// The thread's CPU time so far; for the calling thread it includes the running interval.
CpuTimes thread_cpu_times(Thread* thread);
// The program's: every thread's charged time (exited ones included) plus the caller's running
// interval (other running threads' current intervals are charged at their next stamp).
CpuTimes process_cpu_times();
// Counts for getrusage: switches where the thread blocked / was preempted.
struct SwitchCounts {
    u64 voluntary;
    u64 involuntary;
};
SwitchCounts process_switch_counts();
