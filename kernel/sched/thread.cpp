// thread.cpp: thread creation (kernel stack with a frame ready for thread_trampoline), the list
// of live threads, and thread exit with Linux's CLEARTID wake.
#include "sched/thread.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/interrupt_guard.h"
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

// A 64-byte aligned save area holding the calling CPU's current FPU registers.
Result<void> allocate_fpu_state(Thread* thread) {
    thread->fpu_allocation = static_cast<u8*>(kmalloc(fpu_state_size() + 64));
    if (!thread->fpu_allocation)
        return Errno::ENOMEM;
    thread->fpu_state = reinterpret_cast<u8*>(align_up(u64(thread->fpu_allocation), 64));
    fpu_save(thread->fpu_state);
    return {};
}

// Dead threads' memory (the Thread, its kernel stack and FPU area) kept for the next thread:
// creating a thread then costs no page allocation or zeroing of a 64 KiB stack, which
// dominated pthread_create + pthread_join. Bounded, so a burst of threads is returned to the
// heap once it is over.
constexpr u32 SPARE_LIMIT = 16;
struct Spare {
    Spare* next;
    u8* kernel_stack;
    u8* fpu_allocation;
};
static_assert(sizeof(Spare) <= sizeof(Thread));
Spare* g_spares;
u32 g_spare_count;

Result<Thread*> reuse_spare() {
    InterruptGuard guard;
    Spare* spare = g_spares;
    if (!spare)
        return Errno::ENOMEM;
    g_spares = spare->next;
    g_spare_count--;
    u8* stack = spare->kernel_stack;
    u8* fpu = spare->fpu_allocation;
    auto* thread = new (spare) Thread();
    thread->kernel_stack = stack;
    thread->fpu_allocation = fpu;
    thread->fpu_state = reinterpret_cast<u8*>(align_up(u64(fpu), 64));
    fpu_save(thread->fpu_state);
    return thread;
}

Result<Thread*> allocate_fresh() {
    auto* thread = make<Thread>();
    if (!thread)
        return Errno::ENOMEM;
    if (allocate_fpu_state(thread).is_error()) {
        destroy(thread);
        return Errno::ENOMEM;
    }
    thread->kernel_stack = static_cast<u8*>(kmalloc(KERNEL_STACK_SIZE));
    if (!thread->kernel_stack) {
        kfree(thread->fpu_allocation);
        destroy(thread);
        return Errno::ENOMEM;
    }
    return thread;
}

Result<Thread*> allocate_thread() {
    auto reused = reuse_spare();
    Thread* thread = reused.is_error() ? TRY(allocate_fresh()) : reused.value();
    thread->kernel_stack_top = align_down(u64(thread->kernel_stack + KERNEL_STACK_SIZE), 16);
    thread->tid = g_next_tid++;
    g_all_threads.push_back(thread);
    g_thread_count++;
    return thread;
}

} // namespace

void thread_destroy(Thread* thread) {
    u8* stack = thread->kernel_stack;
    u8* fpu = thread->fpu_allocation;
    InterruptGuard guard;
    if (g_spare_count < SPARE_LIMIT && stack && fpu) {
        thread->~Thread();
        auto* spare = reinterpret_cast<Spare*>(thread);
        *spare = Spare{g_spares, stack, fpu};
        g_spares = spare;
        g_spare_count++;
        return;
    }
    kfree(stack);
    kfree(fpu);
    destroy(thread);
}
IntrusiveList<Thread, &Thread::all_node>& all_threads() {
    return g_all_threads;
}
u64 live_thread_count() {
    return g_thread_count;
}

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
    TRY(allocate_fpu_state(thread));
    return thread;
}

Result<Thread*> thread_create(const TrapFrame& frame, u64 fs_base) {
    // The new thread starts with the creator's FPU registers, as clone does.
    Thread* thread = TRY(allocate_thread());
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

namespace {

// Marks the futexes the thread still holds as owner-died and wakes a waiter on each, so
// robust mutexes recover ([linux] Documentation/locking/robust-futex-ABI.rst).
void release_robust_futexes(Thread* self) {
    constexpr u32 FUTEX_WAITERS = 0x80000000, FUTEX_OWNER_DIED = 0x40000000,
                  FUTEX_TID_MASK = 0x3fffffff;
    constexpr int MAX_ROBUST_ENTRIES = 2048; // ROBUST_LIST_LIMIT: a corrupt list cannot loop
    if (!self->robust_list)
        return;
    struct Head {
        u64 next;
        i64 futex_offset;
        u64 pending;
    } head;
    if (copy_from_user(&head, UserIn<Head>(self->robust_list)).is_error())
        return;
    auto handle = [&](u64 entry) {
        u64 address = entry + u64(head.futex_offset);
        u32 word;
        if (copy_from_user(&word, UserIn<u32>(address)).is_error())
            return;
        if ((word & FUTEX_TID_MASK) != u32(self->tid))
            return;
        u32 next = (word & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (copy_to_user(UserOut<u32>(address), &next).is_error())
            return;
        if (word & FUTEX_WAITERS)
            futex_wake(address, 1, FUTEX_BITSET_MATCH_ANY);
    };
    u64 entry = head.next;
    for (int i = 0; i < MAX_ROBUST_ENTRIES && entry && entry != self->robust_list; i++) {
        u64 next;
        if (copy_from_user(&next, UserIn<u64>(entry)).is_error())
            break;
        if (entry != head.pending)
            handle(entry & ~1ull);
        entry = next;
    }
    if (head.pending)
        handle(head.pending & ~1ull);
}

} // namespace

void thread_exit_current() {
    Thread* self = current_thread();
    release_robust_futexes(self);
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
