// thread.cpp: thread creation (kernel stack with a frame ready for thread_trampoline), the list
// of live threads, and thread exit with Linux's CLEARTID wake.
#include "sched/thread.h"
#include "arch/x86_64/per_cpu.h"
#include "linux/process.h"
#include "linux/user_memory.h"
#include "mm/heap.h"
#include "sched/futex.h"
#include "sched/scheduler.h"

extern "C" void thread_trampoline();

namespace {

constexpr u64 KERNEL_STACK_SIZE = 64 * KiB;
IntrusiveList<Thread, &Thread::all_node> g_all_threads;
u64 g_thread_count;
u64 g_next_tid = 1;

Result<Thread*> allocate_thread() {
    auto* thread = make<Thread>();
    if (!thread)
        return Errno::ENOMEM;
    thread->kernel_stack = static_cast<u8*>(kmalloc(KERNEL_STACK_SIZE));
    if (!thread->kernel_stack) {
        destroy(thread);
        return Errno::ENOMEM;
    }
    thread->kernel_stack_top = align_down(u64(thread->kernel_stack + KERNEL_STACK_SIZE), 16);
    thread->tid = g_next_tid++;
    g_all_threads.push_back(thread);
    g_thread_count++;
    return thread;
}

} // namespace

Thread* current_thread() { return this_cpu().current_thread; }
IntrusiveList<Thread, &Thread::all_node>& all_threads() { return g_all_threads; }
u64 live_thread_count() { return g_thread_count; }

Thread* find_thread(u64 tid) {
    Thread* found = nullptr;
    g_all_threads.for_each([&](Thread* t) {
        if (t->tid == tid)
            found = t;
    });
    return found;
}

Result<Thread*> thread_create_idle(u64 stack_top) {
    auto* thread = make<Thread>();
    if (!thread)
        return Errno::ENOMEM;
    thread->tid = 0;
    thread->kernel_stack_top = stack_top;
    asm volatile("fxsave64 %0" : "=m"(thread->fpu_state));
    return thread;
}

Result<Thread*> thread_create(const TrapFrame& frame, u64 fs_base) {
    Thread* thread = TRY(allocate_thread());
    // The new thread starts with the creator's FPU registers, as clone does.
    asm volatile("fxsave64 %0" : "=m"(thread->fpu_state));
    thread->fs_base = fs_base;
    auto* user_frame = reinterpret_cast<TrapFrame*>(thread->kernel_stack_top - sizeof(TrapFrame));
    *user_frame = frame;
    thread->user_frame = user_frame;
    // switch_context pops rflags, r15, r14, r13, r12, rbx, rbp, then returns.
    u64* switch_frame = reinterpret_cast<u64*>(user_frame) - 8;
    for (int i = 0; i < 7; i++)
        switch_frame[i] = 0;
    switch_frame[0] = 0x2; // rflags: interrupts off until return_to_user
    switch_frame[7] = u64(&thread_trampoline);
    thread->kernel_rsp = u64(switch_frame);
    return thread;
}

void thread_exit_current() {
    Thread* self = current_thread();
    if (self->clear_child_tid) {
        u32 zero = 0;
        if (!copy_to_user(UserOut<u32>(self->clear_child_tid), &zero).is_error())
            futex_wake(self->clear_child_tid, 1, FUTEX_BITSET_MATCH_ANY);
    }
    if (g_thread_count == 1)
        process_exit(0);
    decltype(g_all_threads)::remove(self);
    g_thread_count--;
    self->state = ThreadState::Dead;
    release_dead_thread(self);
    schedule();
    __builtin_unreachable();
}
