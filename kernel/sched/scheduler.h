// scheduler.h: one run queue (one CPU until SMP lands), preemption by the APIC timer on return
// to user mode, and blocking with an optional deadline. The kernel itself is not preempted:
// a thread switches only inside schedule(), so kernel data needs no locks except against
// interrupt handlers (InterruptGuard).
#pragma once

#include "arch/x86_64/trap_frame.h"
#include "sched/thread.h"

constexpr u64 TIME_SLICE_NS = 10 * 1000 * 1000;

// Registers the timer and reschedule interrupts (once).
void scheduler_init();
// Makes `idle` the calling CPU's idle thread and current thread.
void scheduler_start_cpu(Thread* idle);
// The idle thread's body: runs whatever is runnable, halts otherwise. Holds the kernel lock.
[[noreturn]] void idle_loop();
// Makes a thread running on another CPU enter the kernel soon (a signal for it is pending).
void kick_thread(Thread* thread);
// Gives the CPU to the next runnable thread; returns when the caller runs again.
void schedule();
void make_runnable(Thread* thread);
// Blocks the current thread until wake() or the deadline (monotonic ns, 0 = none). The caller
// has already put it on whatever queue will wake it.
WakeReason block_current(u64 deadline_ns);
// Wakes a blocked thread (any context, interrupts included).
void wake(Thread* thread, WakeReason reason);
// Sleeps until a monotonic deadline; Interrupted when a signal arrives.
WakeReason sleep_until_deadline(u64 deadline_ns);
// Hands a dead current thread to the scheduler, which frees it once it is off its stack.
void release_dead_thread(Thread* thread);
// Reprograms this CPU's APIC timer after the timer list changed.
void scheduler_rearm_timer();
// Called on every way back to user mode: preempts if the slice ran out, delivers signals.
void on_return_to_user(TrapFrame* frame);
