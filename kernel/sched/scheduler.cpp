// scheduler.cpp: a run queue per CPU (each with its own interrupt-safe spinlock), a per-CPU idle
// thread, wake-up placement (the thread's last CPU, else an idle one, woken by IPI), stealing
// by a CPU whose queue is empty, and the thread switch (user FS/GS base and FPU registers are
// saved and restored here, eagerly).
#include "sched/scheduler.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/interrupt_guard.h"
#include "arch/x86_64/per_cpu.h"
#include "dev/interrupts.h"
#include "linux/signals.h"
#include "mm/heap.h"
#include "sched/cpu_time.h"
#include "sched/kernel_lock.h"
#include "sched/spin_lock.h"
#include "time/clock.h"

extern "C" void switch_context(u64* save_rsp, u64 next_rsp);

namespace {

using ThreadList = IntrusiveList<Thread, &Thread::run_node>;

// One CPU's runnable threads. `length` is read without the lock for placement decisions.
struct RunQueue {
    SpinLock lock;
    ThreadList threads;
    u32 length = 0;
};

RunQueue g_run_queues[MAX_CPUS];

RunQueue& queue_of(u32 cpu) {
    return g_run_queues[cpu];
}
bool queue_has_work(u32 cpu) {
    return __atomic_load_n(&queue_of(cpu).length, __ATOMIC_ACQUIRE);
}
bool allowed_on(const Thread* t, u32 cpu) {
    return t->affinity & (1ull << cpu);
}
bool cpu_is_idle(u32 cpu) {
    return __atomic_load_n(&cpu_block(cpu).idle, __ATOMIC_SEQ_CST);
}

void reap_zombie() {
    PerCpu& c = this_cpu();
    if (!c.zombie || c.zombie == current_thread())
        return;
    thread_destroy(c.zombie);
    c.zombie = nullptr;
}

// Programs this CPU's APIC timer for the earliest deadline, or the end of its slice when
// other threads wait to run here. `running` is the thread about to run (default: the current).
void arm_timer(Thread* running = nullptr) {
    PerCpu& c = this_cpu();
    if (!running)
        running = current_thread();
    u64 next = timer_earliest();
    if (queue_has_work(c.index) && !c.idle && (next == 0 || c.slice_end < next))
        next = c.slice_end;
    u64 now = monotonic_ns();
    // A CPU-time timer counts down while a program thread runs here: look again when its
    // budget could be used up (by every CPU at once, at worst).
    if (running != c.idle_thread && !c.idle) {
        if (u64 budget = cpu_time_budget_ns()) {
            u64 check = now + max<u64>(budget / cpu_count(), 1);
            if (next == 0 || check < next)
                next = check;
        }
    }
    // Reprogramming the APIC timer is a few device-register writes (each a VM exit under
    // virtualisation) and happens on every wake-up and switch: leave a timer that fires no
    // later than needed alone. An early interrupt just comes back here and arms for `next`.
    if (c.timer_deadline > now && (next == 0 || c.timer_deadline <= next))
        return;
    if (next == 0) {
        if (c.timer_deadline) {
            lapic_timer_cancel();
            c.timer_deadline = 0;
        }
        return;
    }
    lapic_timer_arm(next > now ? next - now : 1);
    c.timer_deadline = next > now ? next : now;
}

void timer_interrupt() {
    this_cpu().timer_deadline = 0; // one-shot: it has fired
    u64 now = monotonic_ns();
    timer_run_expired(now);
    PerCpu& c = this_cpu();
    if (queue_has_work(c.index) && now >= c.slice_end)
        c.need_resched = true;
    arm_timer();
}

// Wakes a halted CPU, or makes a busy one arm its slice timer now that it has a waiting thread
// (and enter the kernel, where pending signals are delivered on the way back).
void reschedule_interrupt() {
    arm_timer();
}

// The CPU a thread that becomes runnable goes to: its last CPU when that one is idle or is
// this one, else an idle CPU it may use, else its last CPU (or the first allowed).
u32 place(const Thread* t) {
    u32 self = this_cpu().index;
    u32 last = t->cpu < cpu_count() ? t->cpu : self;
    if (allowed_on(t, last) &&
        (last == self ? !queue_has_work(self) && current_thread() == this_cpu().idle_thread
                      : cpu_is_idle(last)))
        return last;
    for (u32 i = 0; i < cpu_count(); i++)
        if (i != self && allowed_on(t, i) && cpu_is_idle(i) && !queue_has_work(i))
            return i;
    if (allowed_on(t, last))
        return last;
    if (allowed_on(t, self))
        return self;
    for (u32 i = 0; i < cpu_count(); i++)
        if (allowed_on(t, i))
            return i;
    return self;
}

// Puts a runnable thread on a CPU's queue and makes sure that CPU notices: an idle CPU is woken,
// a busy one whose queue was empty arms its slice timer.
void enqueue_on(u32 cpu, Thread* t) {
    RunQueue& q = queue_of(cpu);
    u32 before;
    {
        SpinLockGuard guard(q.lock);
        t->state = ThreadState::Runnable;
        q.threads.push_back(t);
        before = q.length;
        __atomic_store_n(&q.length, before + 1, __ATOMIC_SEQ_CST);
    }
    if (cpu == this_cpu().index) {
        if (before == 0)
            arm_timer();
        return;
    }
    // Read after the push (both sequentially consistent): either the idle CPU sees the thread
    // in its last check before halting, or we see it idle and send the IPI.
    if (cpu_is_idle(cpu) || before == 0)
        send_ipi(cpu_block(cpu).apic_id, vector::IPI_RESCHEDULE);
}

void enqueue(Thread* t) {
    enqueue_on(place(t), t);
}

// Takes the first thread of `cpu`'s queue that may run on `here`.
Thread* take_from(u32 cpu, u32 here) {
    RunQueue& q = queue_of(cpu);
    if (!queue_has_work(cpu))
        return nullptr;
    SpinLockGuard guard(q.lock);
    Thread* found = nullptr;
    q.threads.for_each([&](Thread* t) {
        if (!found && allowed_on(t, here))
            found = t;
    });
    if (found) {
        ThreadList::remove(found);
        __atomic_store_n(&q.length, q.length - 1, __ATOMIC_SEQ_CST);
    }
    return found;
}

// Moves threads this CPU may no longer run (sched_setaffinity) to one they may.
void evict_disallowed(u32 here) {
    RunQueue& q = queue_of(here);
    if (!queue_has_work(here))
        return;
    for (int budget = 64; budget > 0; budget--) {
        Thread* moved = nullptr;
        {
            SpinLockGuard guard(q.lock);
            q.threads.for_each([&](Thread* t) {
                if (!moved && !allowed_on(t, here))
                    moved = t;
            });
            if (!moved)
                return;
            ThreadList::remove(moved);
            __atomic_store_n(&q.length, q.length - 1, __ATOMIC_SEQ_CST);
        }
        enqueue(moved);
    }
}

// Whether any queue holds a thread this CPU may run (its own, or one to steal).
bool has_work_for(u32 here) {
    for (u32 i = 0; i < cpu_count(); i++) {
        if (!queue_has_work(i))
            continue;
        if (i == here)
            return true;
        RunQueue& q = queue_of(i);
        SpinLockGuard guard(q.lock);
        bool found = false;
        q.threads.for_each([&](Thread* t) { found = found || allowed_on(t, here); });
        if (found)
            return true;
    }
    return false;
}

// This CPU's next thread: its own queue first, else one stolen from the longest other queue.
Thread* pick_next() {
    u32 here = this_cpu().index;
    evict_disallowed(here);
    if (Thread* t = take_from(here, here))
        return t;
    u32 victim = here;
    u32 longest = 0;
    for (u32 i = 0; i < cpu_count(); i++) {
        u32 length = __atomic_load_n(&queue_of(i).length, __ATOMIC_ACQUIRE);
        if (i != here && length > longest) {
            longest = length;
            victim = i;
        }
    }
    if (victim != here)
        if (Thread* t = take_from(victim, here))
            return t;
    // The longest queue held nothing we may run: try the rest.
    for (u32 i = 0; i < cpu_count(); i++)
        if (i != here && i != victim)
            if (Thread* t = take_from(i, here))
                return t;
    return nullptr;
}

void switch_to(Thread* previous, Thread* next) {
    PerCpu& c = this_cpu();
    previous->fs_base = cpu::rdmsr(cpu::msr::FS_BASE);
    previous->user_gs_base = cpu::rdmsr(cpu::msr::KERNEL_GS_BASE);
    fpu_save(previous->fpu_state);
    fpu_restore(next->fpu_state);
    cpu::wrmsr(cpu::msr::FS_BASE, next->fs_base);
    cpu::wrmsr(cpu::msr::KERNEL_GS_BASE, next->user_gs_base);
    tss_set_kernel_stack(next->kernel_stack_top);
    cpu_time_switch(previous, next);
    c.current_thread = next;
    next->cpu = c.index;
    switch_context(&previous->kernel_rsp, next->kernel_rsp);
}

} // namespace

void scheduler_init() {
    register_interrupt_handler(vector::TIMER, timer_interrupt);
    register_interrupt_handler(vector::IPI_RESCHEDULE, reschedule_interrupt);
}

void scheduler_start_cpu(Thread* idle) {
    PerCpu& c = this_cpu();
    c.idle_thread = idle;
    c.current_thread = idle;
    c.apic_id = lapic_id();
    idle->state = ThreadState::Running;
    idle->cpu = c.index;
    tss_set_kernel_stack(idle->kernel_stack_top);
}

[[noreturn]] void idle_loop() {
    PerCpu& c = this_cpu();
    for (;;) {
        schedule();
        // Nothing to run: give up the kernel lock and halt until an interrupt.
        {
            InterruptGuard guard;
            // Idle first, then look once more (see enqueue_on): a thread queued here from now
            // on comes with an IPI, which the halt below returns for.
            __atomic_store_n(&c.idle, true, __ATOMIC_SEQ_CST);
            if (has_work_for(c.index)) {
                __atomic_store_n(&c.idle, false, __ATOMIC_SEQ_CST);
                continue;
            }
            arm_timer();
            kernel_lock_release();
            cpu::enable_interrupts_and_halt();
            cpu::disable_interrupts();
            kernel_lock_acquire();
            __atomic_store_n(&c.idle, false, __ATOMIC_SEQ_CST);
        }
    }
}

extern "C" [[noreturn]] void thread_first_entry(TrapFrame* frame) {
    reap_zombie();
    cpu_time_leave_kernel();
    kernel_lock_release();
    return_to_user(frame);
}

void schedule() {
    InterruptGuard guard;
    PerCpu& c = this_cpu();
    Thread* previous = current_thread();
    bool previous_is_idle = previous == c.idle_thread;
    Thread* next = pick_next();
    if (previous->state == ThreadState::Running && !previous_is_idle) {
        if (!next && allowed_on(previous, c.index)) {
            next = previous; // nothing else to run here: keep going without a queue round trip
        } else {
            // Behind whatever runs next; on an allowed CPU if affinity moved it off this one.
            enqueue_on(allowed_on(previous, c.index) ? c.index : place(previous), previous);
        }
    }
    if (!next)
        next = c.idle_thread; // the idle thread halts when it has nothing to do
    c.need_resched = false;
    next->state = ThreadState::Running;
    c.slice_end = monotonic_ns() + TIME_SLICE_NS;
    arm_timer(next);
    tlb_shootdown_poll(); // a flush requested while this CPU was idle
    if (next != previous) {
        switch_to(previous, next);
        reap_zombie();
    }
}

void release_dead_thread(Thread* thread) {
    this_cpu().zombie = thread;
}

void scheduler_rearm_timer() {
    arm_timer();
}

void make_runnable(Thread* thread) {
    InterruptGuard guard;
    enqueue(thread);
}

void wake(Thread* thread, WakeReason reason) {
    InterruptGuard guard;
    if (thread->state != ThreadState::Blocked)
        return;
    timer_cancel(&thread->sleep_timer);
    // A thread blocked on a wait queue is unlinked by whoever owns that queue; a timeout or an
    // interruption unlinks it here (run_node is shared by the run and wait queues).
    ThreadList::remove(thread);
    thread->wake_reason = reason;
    enqueue(thread);
}

void kick_thread(Thread* thread) {
    if (thread->state == ThreadState::Running && thread->cpu != this_cpu().index)
        send_ipi(cpu_block(thread->cpu).apic_id, vector::IPI_RESCHEDULE);
}

WakeReason block_current(u64 deadline_ns) {
    Thread* self = current_thread();
    {
        InterruptGuard guard;
        if (self->pending_signals & (~self->signal_mask | self->waiting_for)) {
            ThreadList::remove(self);
            return WakeReason::Interrupted;
        }
        self->state = ThreadState::Blocked;
        self->wake_reason = WakeReason::Woken;
        if (deadline_ns) {
            self->sleep_timer.fire = [](KernelTimer* timer) {
                wake(timer_owner<Thread, &Thread::sleep_timer>(timer), WakeReason::TimedOut);
            };
            timer_start(&self->sleep_timer, deadline_ns);
        }
        schedule();
    }
    return self->wake_reason;
}

WakeReason sleep_until_deadline(u64 deadline_ns) {
    if (monotonic_ns() >= deadline_ns)
        return WakeReason::TimedOut;
    return block_current(deadline_ns);
}

void on_return_to_user(TrapFrame* frame) {
    if (this_cpu().need_resched)
        schedule();
    deliver_pending_signals(*frame);
    Thread* self = current_thread();
    self->restartable_syscall = ~0ull; // only the return right after the syscall may restart it
    if (self->has_saved_mask) {
        // rt_sigsuspend returned without a handler taking the saved mask: restore it now.
        self->signal_mask = self->saved_mask;
        self->has_saved_mask = false;
    }
}
