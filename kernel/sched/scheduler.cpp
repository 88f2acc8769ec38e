// scheduler.cpp: one run queue shared by all CPUs (under the kernel lock), a per-CPU idle
// thread, the timer list for deadlines, and the thread switch (user FS/GS base and FPU
// registers are saved and restored here, eagerly).
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
#include "sched/kernel_lock.h"
#include "time/clock.h"

extern "C" void switch_context(u64* save_rsp, u64 next_rsp);

namespace {

IntrusiveList<Thread, &Thread::run_node> g_run_queue;

void reap_zombie() {
    PerCpu& c = this_cpu();
    if (!c.zombie || c.zombie == current_thread())
        return;
    kfree(c.zombie->kernel_stack);
    kfree(c.zombie->fpu_allocation);
    destroy(c.zombie);
    c.zombie = nullptr;
}

// Programs this CPU's APIC timer for the earliest deadline, or the end of its slice when
// other threads wait to run.
void arm_timer() {
    PerCpu& c = this_cpu();
    u64 next = timer_earliest();
    if (!g_run_queue.empty() && !c.idle && (next == 0 || c.slice_end < next))
        next = c.slice_end;
    if (next == 0) {
        lapic_timer_cancel();
        return;
    }
    u64 now = monotonic_ns();
    lapic_timer_arm(next > now ? next - now : 1);
}

void timer_interrupt() {
    u64 now = monotonic_ns();
    timer_run_expired(now);
    PerCpu& c = this_cpu();
    if (!g_run_queue.empty() && now >= c.slice_end)
        c.need_resched = true;
    arm_timer();
}

// Nothing to do: the interrupt itself wakes a halted CPU, or makes a running one enter the kernel
// (where pending signals are delivered on the way back).
void reschedule_interrupt() {}

// Wakes an idle CPU to pick up newly runnable work.
void kick_idle_cpu() {
    for (u32 i = 0; i < cpu_count(); i++) {
        PerCpu& c = cpu_block(i);
        if (c.idle && &c != &this_cpu()) {
            send_ipi(c.apic_id, vector::IPI_RESCHEDULE);
            return;
        }
    }
}

bool allowed_here(Thread* t) { return t->affinity & (1ull << this_cpu().index); }

Thread* pick_next() {
    Thread* found = nullptr;
    g_run_queue.for_each([&](Thread* t) {
        if (!found && allowed_here(t))
            found = t;
    });
    if (found)
        decltype(g_run_queue)::remove(found);
    return found;
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
            if (!g_run_queue.empty())
                continue;
            c.idle = true;
            arm_timer();
            kernel_lock_release();
            cpu::enable_interrupts_and_halt();
            cpu::disable_interrupts();
            kernel_lock_acquire();
            c.idle = false;
        }
    }
}

extern "C" [[noreturn]] void thread_first_entry(TrapFrame* frame) {
    reap_zombie();
    kernel_lock_release();
    return_to_user(frame);
}

void schedule() {
    InterruptGuard guard;
    PerCpu& c = this_cpu();
    Thread* previous = current_thread();
    bool previous_is_idle = previous == c.idle_thread;
    if (previous->state == ThreadState::Running && !previous_is_idle) {
        previous->state = ThreadState::Runnable;
        g_run_queue.push_back(previous);
    }
    Thread* next = pick_next();
    if (!next)
        next = c.idle_thread; // the idle thread halts when it has nothing to do
    c.need_resched = false;
    next->state = ThreadState::Running;
    c.slice_end = monotonic_ns() + TIME_SLICE_NS;
    arm_timer();
    tlb_shootdown_poll(); // a flush requested while this CPU was idle
    if (next != previous) {
        switch_to(previous, next);
        reap_zombie();
    }
}

void release_dead_thread(Thread* thread) { this_cpu().zombie = thread; }

void scheduler_rearm_timer() { arm_timer(); }

void make_runnable(Thread* thread) {
    InterruptGuard guard;
    thread->state = ThreadState::Runnable;
    g_run_queue.push_back(thread);
    kick_idle_cpu();
}

void wake(Thread* thread, WakeReason reason) {
    InterruptGuard guard;
    if (thread->state != ThreadState::Blocked)
        return;
    timer_cancel(&thread->sleep_timer);
    // A thread blocked on a wait queue is unlinked by whoever owns that queue; a timeout or an
    // interruption unlinks it here (run_node is shared by the run and wait queues).
    decltype(g_run_queue)::remove(thread);
    thread->wake_reason = reason;
    thread->state = ThreadState::Runnable;
    g_run_queue.push_back(thread);
    kick_idle_cpu();
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
            decltype(g_run_queue)::remove(self);
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
