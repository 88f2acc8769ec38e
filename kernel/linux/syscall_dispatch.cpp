// syscall_dispatch.cpp: handle_syscall, called by syscall_entry.S. Converts registers to each
// handler's typed arguments, turns Result errors into -errno in rax, and does --trace output
// (so handlers never trace themselves). Calls that read only the calling thread's or immutable
// state run without the big kernel lock (the lock-free fast path below).
#include "arch/x86_64/per_cpu.h"
#include "arch/x86_64/trap_frame.h"
#include "lib/format.h"
#include "linux/abi/syscall_names.h"
#include "linux/process.h"
#include "linux/syscall_list.h"
#include "linux/syscalls.h"
#include "sched/cpu_time.h"
#include "sched/kernel_lock.h"
#include "sched/scheduler.h"
#include "time/clock.h"
#include <utility>

namespace {

template <typename T>
struct Argument {
    static T from(u64 v) { return T(v); }
};
template <typename T>
struct Argument<UserIn<T>> {
    static UserIn<T> from(u64 v) { return UserIn<T>(v); }
};
template <typename T>
struct Argument<UserOut<T>> {
    static UserOut<T> from(u64 v) { return UserOut<T>(v); }
};

template <typename... A, size_t... I>
Result<u64> invoke(Result<u64> (*handler)(A...), const u64* args, std::index_sequence<I...>) {
    return handler(Argument<A>::from(args[I])...);
}

template <typename... A>
Result<u64> invoke_all(Result<u64> (*handler)(A...), const u64* args) {
    return invoke(handler, args, std::index_sequence_for<A...>{});
}

template <auto Handler>
Result<u64> thunk(const u64* args) {
    return invoke_all(Handler, args);
}

using Thunk = Result<u64> (*)(const u64*);
constexpr unsigned TABLE_SIZE = 512;

// Calls that run without the big kernel lock: they read only the calling thread's own fields,
// the CPU they run on, immutable identity or the clock, and touch user memory only through the
// copy helpers (a page fault takes the lock itself). Anything that reads or changes shared
// kernel state (other threads, files, memory maps, signal dispositions) stays locked.
constexpr u16 LOCK_FREE_SYSCALLS[] = {
    39,  // getpid
    110, // getppid
    186, // gettid
    102, // getuid
    107, // geteuid
    104, // getgid
    108, // getegid
    309, // getcpu
    228, // clock_gettime
    229, // clock_getres
    96,  // gettimeofday
    201, // time
};

struct Table {
    Thunk entries[TABLE_SIZE] = {};
    const char* names[TABLE_SIZE] = {};
    bool lock_free[TABLE_SIZE] = {};
    constexpr Table() {
#define REGISTER(number, name)                                                                     \
    entries[number] = &thunk<&sys_##name>;                                                         \
    names[number] = #name;
        ENUMERATE_SYSCALLS(REGISTER)
#undef REGISTER
        for (u16 number : LOCK_FREE_SYSCALLS)
            lock_free[number] = entries[number] != nullptr;
    }
};
constexpr Table g_table;

bool g_reported[TABLE_SIZE];

// Linux restarts these after an SA_RESTART handler; calls with timeouts (nanosleep, poll,
// select, epoll_wait, sigtimedwait) and sigsuspend/pause return EINTR regardless.
bool restartable(u64 number, const u64* args) {
    switch (number) {
    case 0:  // read
    case 1:  // write
    case 19: // readv
    case 20: // writev
    case 17: // pread64
    case 18: // pwrite64
        return true;
    case 202: {                       // futex: only FUTEX_WAIT(_BITSET) without a timeout
        u64 op = args[1] & ~0x180ull; // without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME
        return (op == 0 || op == 9) && args[3] == 0;
    }
    default:
        return false;
    }
}

const char* name_of(u64 number) {
    for (const auto& entry : SYSCALL_NAMES)
        if (entry.number == number)
            return entry.name;
    return "unknown";
}

} // namespace

namespace {
void handle_syscall_locked(TrapFrame* frame) {
    u64 number = frame->rax;
    const u64 args[6] = {frame->rdi, frame->rsi, frame->rdx, frame->r10, frame->r8, frame->r9};
    Process& process = current_process();
    current_thread()->user_frame = frame;
    Thunk handler = number < TABLE_SIZE ? g_table.entries[number] : nullptr;
    if (!handler) {
        if (process.trace && (number >= TABLE_SIZE || !g_reported[number])) {
            kprintf("ops trace: unimplemented syscall %lu (%s) -> ENOSYS\n", number,
                    name_of(number));
            if (number < TABLE_SIZE)
                g_reported[number] = true;
        }
        frame->rax = u64(-i64(Errno::ENOSYS));
        on_return_to_user(frame);
        return;
    }
    Result<u64> result = handler(args);
    frame->rax = result.is_error() ? u64(-i64(result.error())) : result.value();
    // Calls without a timeout that a signal interrupted can be restarted after an SA_RESTART
    // handler (signals.cpp rewinds to the syscall instruction), as Linux does.
    current_thread()->restartable_syscall =
        result.is_error() && result.error() == Errno::EINTR && restartable(number, args) ? number
                                                                                         : ~0ull;
    if (process.trace_all) {
        u64 now_us = monotonic_ns() / 1000;
        if (result.is_error())
            kprintf("ops trace: [%lu.%06lu cpu%u tid%lu] %s(%lx, %lx, %lx) = -%s\n",
                    now_us / 1000000, now_us % 1000000, this_cpu().index, current_thread()->tid,
                    g_table.names[number], args[0], args[1], args[2], errno_name(result.error()));
        else
            kprintf("ops trace: [%lu.%06lu cpu%u tid%lu] %s(%lx, %lx, %lx) = %lx\n",
                    now_us / 1000000, now_us % 1000000, this_cpu().index, current_thread()->tid,
                    g_table.names[number], args[0], args[1], args[2], result.value());
    }
    on_return_to_user(frame);
}

// clock_gettime/clock_getres on an encoded CPU-time clock (a negative id) may name another
// thread, found by walking the thread list: that needs the lock.
bool other_thread_clock(u64 number, u64 clock) {
    return (number == 228 || number == 229) && i32(u32(clock)) < 0;
}

// Whether the way back to user mode has work that needs the kernel lock: a reschedule, a
// signal to deliver, or a mask to restore. Read without the lock: a signal posted by another
// CPU after this check comes with a reschedule IPI, taken as soon as user mode enables
// interrupts, and its handler delivers the signal.
bool return_needs_work(Thread* self) {
    return this_cpu().need_resched || (self->pending_signals & ~self->signal_mask) != 0 ||
           self->has_saved_mask;
}

} // namespace

extern "C" void handle_syscall(TrapFrame* frame) {
    u64 number = frame->rax;
    if (number < TABLE_SIZE && g_table.lock_free[number] && !current_process().trace_all &&
        !other_thread_clock(number, frame->rdi)) {
        const u64 args[6] = {frame->rdi, frame->rsi, frame->rdx, frame->r10, frame->r8, frame->r9};
        Thread* self = current_thread();
        self->user_frame = frame;
        Result<u64> result = g_table.entries[number](args);
        frame->rax = result.is_error() ? u64(-i64(result.error())) : result.value();
        if (!return_needs_work(self))
            return;
        kernel_lock_acquire();
        on_return_to_user(frame);
        kernel_lock_release();
        return;
    }
    kernel_lock_acquire();
    cpu_time_enter_kernel();
    handle_syscall_locked(frame);
    cpu_time_leave_kernel();
    kernel_lock_release();
}
