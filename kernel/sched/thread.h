// thread.h: a thread of the program: its kernel stack, saved CPU state while switched out,
// thread-local user state (FS/GS base, FPU registers, signal mask and alternate stack) and the
// nodes that put it on run, wait and timer queues. All threads share the one address space.
#pragma once

#include "arch/x86_64/per_cpu.h"
#include "arch/x86_64/trap_frame.h"
#include "lib/list.h"
#include "lib/result.h"
#include "sched/timer.h"

enum class ThreadState : u8 { Runnable, Running, Blocked, Dead };

// Why a blocked thread woke up.
enum class WakeReason : u8 { Woken, TimedOut, Interrupted };

struct SignalInfo {
    i32 signo;
    i32 errno_value;
    i32 code;
    i32 pad;
    u64 fields[14]; // the union: pid/uid, or fault address, ...
};
static_assert(sizeof(SignalInfo) == 128);

struct Thread {
    u64 tid = 0;
    ThreadState state = ThreadState::Runnable;
    u64 kernel_rsp = 0;         // saved by switch_context while switched out
    u8* kernel_stack = nullptr; // base of the allocation
    u64 kernel_stack_top = 0;
    TrapFrame* user_frame = nullptr; // the frame of the current syscall or fault
    u64 fs_base = 0;
    u64 user_gs_base = 0;
    u8* fpu_state = nullptr;      // the program's FPU/vector registers (arch/x86_64/fpu.h)
    u8* fpu_allocation = nullptr; // what to free (fpu_state is it, 64-byte aligned)

    // Linux thread bookkeeping.
    u64 clear_child_tid = 0;
    u64 robust_list = 0;
    u64 signal_mask = 0;
    u64 pending_signals = 0;
    SignalInfo pending_info[64] = {};
    u64 restartable_syscall =
        ~0ull;           // the syscall that just returned EINTR, if SA_RESTART may redo it
    u64 waiting_for = 0; // rt_sigtimedwait: these wake it even while blocked
    u64 saved_mask = 0;  // rt_sigsuspend: the mask to restore after the handler
    bool has_saved_mask = false;
    u64 altstack_sp = 0;
    u64 altstack_size = 0;
    i32 altstack_flags = 2; // SS_DISABLE

    // Blocking.
    WakeReason wake_reason = WakeReason::Woken;
    bool poll_notified = false; // a watched object was notified since PollWaiter::arm
    // Blocked in PollWaiter::wait: only then does a notification wake it.
    bool poll_sleeping = false;
    KernelTimer sleep_timer; // wakes it at a blocking deadline
    ListNode run_node;       // run queue or a wait queue
    ListNode all_node;       // every live thread
    u32 cpu = 0;             // where it runs or last ran
    u64 affinity = ~0ull;    // CPUs it may run on (sched_setaffinity)
    u32 futex_bitset = 0;

    // CPU time (sched/cpu_time.h).
    u64 user_ns = 0;
    u64 system_ns = 0;
    u64 cpu_stamp_ns = 0; // monotonic time of the last accounting point
    u64 futex_address = 0;
};

inline Thread* current_thread() {
    return this_cpu().current_thread;
}
// An idle thread for the calling CPU around its boot stack (never on the run queue).
Result<Thread*> thread_create_idle(u64 stack_top);
// Creates a thread that will enter user mode with `frame` (copied) and the given FS base.
Result<Thread*> thread_create(const TrapFrame& frame, u64 fs_base);
// Frees a dead thread once no CPU runs on its stack (or keeps its memory for the next one).
void thread_destroy(Thread* thread);
// Every live thread, for signals to the whole program and exit_group.
IntrusiveList<Thread, &Thread::all_node>& all_threads();
u64 live_thread_count();
Thread* find_thread(u64 tid);
// Ends the current thread (never returns). The last thread ends the program with status 0.
[[noreturn]] void thread_exit_current();
