// scheduler.cpp: round-robin run queue, the timer list for deadlines, and the thread switch
// (user FS/GS base and FPU registers are saved and restored here, eagerly).
#include "sched/scheduler.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/interrupt_guard.h"
#include "arch/x86_64/per_cpu.h"
#include "dev/interrupts.h"
#include "linux/signals.h"
#include "mm/heap.h"
#include "time/clock.h"

extern "C" void switch_context(u64* save_rsp, u64 next_rsp);

namespace {

IntrusiveList<Thread, &Thread::run_node> g_run_queue;
IntrusiveList<Thread, &Thread::timer_node> g_timers; // sorted by wake_deadline
bool g_need_resched;
u64 g_slice_end;
Thread* g_zombie; // a dead thread whose stack is freed by the next thread to run

void reap_zombie() {
    if (!g_zombie || g_zombie == current_thread())
        return;
    kfree(g_zombie->kernel_stack);
    destroy(g_zombie);
    g_zombie = nullptr;
}

// Programs the APIC timer for the earliest deadline, or the end of the slice when others wait.
void arm_timer() {
    u64 next = 0;
    if (Thread* first = g_timers.front())
        next = first->wake_deadline;
    if (!g_run_queue.empty() && (next == 0 || g_slice_end < next))
        next = g_slice_end;
    if (next == 0) {
        lapic_timer_cancel();
        return;
    }
    u64 now = monotonic_ns();
    lapic_timer_arm(next > now ? next - now : 1);
}

void timer_interrupt() {
    u64 now = monotonic_ns();
    while (Thread* t = g_timers.front()) {
        if (t->wake_deadline > now)
            break;
        wake(t, WakeReason::TimedOut);
    }
    if (!g_run_queue.empty() && now >= g_slice_end)
        g_need_resched = true;
    arm_timer();
}

void switch_to(Thread* previous, Thread* next) {
    previous->fs_base = cpu::rdmsr(cpu::msr::FS_BASE);
    previous->user_gs_base = cpu::rdmsr(cpu::msr::KERNEL_GS_BASE);
    asm volatile("fxsave64 %0" : "=m"(previous->fpu_state));
    asm volatile("fxrstor64 %0" : : "m"(next->fpu_state));
    cpu::wrmsr(cpu::msr::FS_BASE, next->fs_base);
    cpu::wrmsr(cpu::msr::KERNEL_GS_BASE, next->user_gs_base);
    tss_set_kernel_stack(next->kernel_stack_top);
    this_cpu().current_thread = next;
    switch_context(&previous->kernel_rsp, next->kernel_rsp);
}

} // namespace

void scheduler_init(Thread* first) {
    first->state = ThreadState::Running;
    this_cpu().current_thread = first;
    tss_set_kernel_stack(first->kernel_stack_top);
    register_interrupt_handler(vector::TIMER, timer_interrupt);
    g_slice_end = monotonic_ns() + TIME_SLICE_NS;
}

extern "C" [[noreturn]] void thread_first_entry(TrapFrame* frame) {
    reap_zombie();
    return_to_user(frame);
}

void schedule() {
    InterruptGuard guard;
    Thread* previous = current_thread();
    if (previous->state == ThreadState::Running) {
        previous->state = ThreadState::Runnable;
        g_run_queue.push_back(previous);
    }
    Thread* next;
    while (!(next = g_run_queue.pop_front())) {
        // Nothing to run: idle on the current stack until an interrupt wakes someone.
        arm_timer();
        cpu::enable_interrupts_and_halt();
        cpu::disable_interrupts();
    }
    g_need_resched = false;
    next->state = ThreadState::Running;
    g_slice_end = monotonic_ns() + TIME_SLICE_NS;
    arm_timer();
    if (next != previous) {
        switch_to(previous, next);
        reap_zombie();
    }
}

void release_dead_thread(Thread* thread) { g_zombie = thread; }

void make_runnable(Thread* thread) {
    InterruptGuard guard;
    thread->state = ThreadState::Runnable;
    g_run_queue.push_back(thread);
}

void wake(Thread* thread, WakeReason reason) {
    InterruptGuard guard;
    if (thread->state != ThreadState::Blocked)
        return;
    decltype(g_timers)::remove(thread);
    // A thread blocked on a wait queue is unlinked by whoever owns that queue; a timeout or an
    // interruption unlinks it here (run_node is shared by the run and wait queues).
    decltype(g_run_queue)::remove(thread);
    thread->wake_reason = reason;
    thread->state = ThreadState::Runnable;
    g_run_queue.push_back(thread);
}

WakeReason block_current(u64 deadline_ns) {
    Thread* self = current_thread();
    {
        InterruptGuard guard;
        if (self->pending_signals & ~self->signal_mask) {
            decltype(g_run_queue)::remove(self);
            return WakeReason::Interrupted;
        }
        self->state = ThreadState::Blocked;
        self->wake_reason = WakeReason::Woken;
        self->wake_deadline = deadline_ns;
        if (deadline_ns) {
            Thread* after = nullptr;
            g_timers.for_each([&](Thread* t) {
                if (!after && t->wake_deadline > deadline_ns)
                    after = t;
            });
            if (after)
                g_timers.insert_before(after, self);
            else
                g_timers.push_back(self);
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
    if (g_need_resched)
        schedule();
    deliver_pending_signals(*frame);
}
