// thread_calls.cpp: clone/clone3 for threads (no new processes: there is no fork), futex,
// thread exit, tid bookkeeping and yielding. The mechanisms live in sched/.
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/per_cpu.h"
#include "lib/format.h"
#include "linux/abi/structs.h"
#include "linux/process.h"
#include "linux/signals.h"
#include "linux/syscalls.h"
#include "linux/time_values.h"
#include "sched/futex.h"
#include "sched/scheduler.h"
#include "time/clock.h"

namespace {

constexpr u64 CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
              CLONE_PIDFD = 0x1000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000,
              CLONE_THREAD = 0x10000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000,
              CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000,
              CLONE_DETACHED = 0x400000, CLONE_CHILD_SETTID = 0x1000000;
constexpr u64 THREAD_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;
constexpr u64 SUPPORTED = THREAD_FLAGS | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
                          CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED | 0xff;

struct CloneArgs {
    u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};

Result<u64> create_thread(u64 flags, u64 stack, u64 parent_tid, u64 child_tid, u64 tls) {
    if ((flags & THREAD_FLAGS) != THREAD_FLAGS || (flags & ~SUPPORTED)) {
        // A new process (fork, vfork, posix_spawn) cannot exist in a unikernel.
        if (current_process().trace)
            kprintf("ops trace: clone(flags %lx) asks for a new process: ENOSYS (no fork in a "
                    "unikernel)\n",
                    flags);
        return Errno::ENOSYS;
    }
    Thread* parent = current_thread();
    TrapFrame frame = *parent->user_frame;
    frame.rax = 0;
    frame.vector = 0;
    if (stack)
        frame.rsp = stack;
    u64 fs_base = (flags & CLONE_SETTLS) ? tls : cpu::rdmsr(cpu::msr::FS_BASE);
    if ((flags & CLONE_SETTLS) && tls >= USER_END)
        return Errno::EPERM;
    Thread* child = TRY(thread_create(frame, fs_base));
    child->signal_mask = parent->signal_mask;
    child->user_gs_base = parent->user_gs_base;
    u32 tid = u32(child->tid);
    if (flags & CLONE_PARENT_SETTID)
        (void)copy_to_user(UserOut<u32>(parent_tid), &tid);
    if (flags & CLONE_CHILD_SETTID)
        (void)copy_to_user(UserOut<u32>(child_tid), &tid);
    if (flags & CLONE_CHILD_CLEARTID)
        child->clear_child_tid = child_tid;
    make_runnable(child);
    return child->tid;
}

// Futex timeouts: relative (FUTEX_WAIT) or absolute on the monotonic or real clock.
Result<u64> deadline_of(u64 timeout, bool absolute, bool realtime) {
    if (!timeout)
        return u64(0);
    u64 ns = TRY(copy_timespec_ns(UserIn<LinuxTimespec>(timeout)));
    u64 now = monotonic_ns();
    if (!absolute)
        return deadline_after(now, ns);
    if (realtime) {
        u64 real = realtime_ns();
        return ns > real ? now + (ns - real) : now;
    }
    return ns ? ns : 1;
}

bool wake_op_compare(u32 cmp, i32 old, i32 arg) {
    switch (cmp) {
    case 0:
        return old == arg;
    case 1:
        return old != arg;
    case 2:
        return old < arg;
    case 3:
        return old <= arg;
    case 4:
        return old > arg;
    case 5:
        return old >= arg;
    default:
        return false;
    }
}

} // namespace

Result<u64> sys_clone(u64 flags, u64 stack, u64 parent_tid, u64 child_tid, u64 tls) {
    return create_thread(flags, stack, parent_tid, child_tid, tls);
}

Result<u64> sys_clone3(UserIn<u8> user_args, u64 size) {
    constexpr u64 CLONE_ARGS_SIZE_VER0 = 64;
    if (size < CLONE_ARGS_SIZE_VER0 || size > 4096)
        return Errno::EINVAL;
    CloneArgs args = {};
    TRY(copy_array_from_user(reinterpret_cast<u8*>(&args), user_args,
                             min<u64>(size, sizeof(args))));
    if (args.exit_signal || args.set_tid || args.set_tid_size || args.cgroup)
        return Errno::EINVAL;
    u64 stack = args.stack ? args.stack + args.stack_size : 0;
    return create_thread(args.flags, stack, args.parent_tid, args.child_tid, args.tls);
}

Result<u64> sys_exit(int) {
    thread_exit_current();
}

Result<u64> sys_futex(u64 address, int op, u32 value, u64 timeout, u64 address2, u32 value3) {
    constexpr int WAIT = 0, WAKE = 1, REQUEUE = 3, CMP_REQUEUE = 4, WAKE_OP = 5, WAIT_BITSET = 9,
                  WAKE_BITSET = 10;
    constexpr int PRIVATE = 128, CLOCK_REALTIME_FLAG = 256;
    int command = op & ~(PRIVATE | CLOCK_REALTIME_FLAG);
    switch (command) {
    case WAIT:
    case WAIT_BITSET: {
        u32 bitset = command == WAIT ? FUTEX_BITSET_MATCH_ANY : value3;
        u64 deadline = TRY(deadline_of(timeout, command == WAIT_BITSET, op & CLOCK_REALTIME_FLAG));
        return futex_wait(address, value, deadline, bitset);
    }
    case WAKE:
    case WAKE_BITSET: {
        u32 bitset = command == WAKE ? FUTEX_BITSET_MATCH_ANY : value3;
        if (bitset == 0)
            return Errno::EINVAL;
        return futex_wake(address, value, bitset);
    }
    case REQUEUE:
    case CMP_REQUEUE: {
        if (command == CMP_REQUEUE) {
            u32 current;
            TRY(copy_from_user(&current, UserIn<u32>(address)));
            if (current != value3)
                return Errno::EAGAIN;
        }
        // For requeues the 4th argument is a count, not a timeout.
        return futex_requeue(address, value, address2, timeout);
    }
    case WAKE_OP: {
        u32 encoded_op = (value3 >> 28) & 7, cmp = (value3 >> 24) & 15;
        i32 oparg = i32(value3 << 8) >> 20, cmparg = i32(value3 << 20) >> 20;
        if (encoded_op & 8)
            oparg = 1 << (oparg & 31);
        i32 old;
        TRY(copy_from_user(&old, UserIn<i32>(address2)));
        i32 next;
        switch (encoded_op & 7) {
        case 0:
            next = oparg;
            break;
        case 1:
            next = old + oparg;
            break;
        case 2:
            next = old | oparg;
            break;
        case 3:
            next = old & ~oparg;
            break;
        case 4:
            next = old ^ oparg;
            break;
        default:
            return Errno::ENOSYS;
        }
        TRY(copy_to_user(UserOut<i32>(address2), &next));
        u64 woken = futex_wake(address, value, FUTEX_BITSET_MATCH_ANY);
        if (wake_op_compare(cmp, old, cmparg))
            woken += futex_wake(address2, timeout, FUTEX_BITSET_MATCH_ANY);
        return woken;
    }
    default:
        return Errno::ENOSYS;
    }
}

Result<u64> sys_gettid() {
    return current_thread()->tid;
}

Result<u64> sys_set_tid_address(u64 address) {
    current_thread()->clear_child_tid = address;
    return current_thread()->tid;
}

Result<u64> sys_set_robust_list(u64 head, u64 length) {
    constexpr u64 ROBUST_LIST_HEAD_SIZE = 24;
    if (length != ROBUST_LIST_HEAD_SIZE)
        return Errno::EINVAL;
    current_thread()->robust_list = head;
    return 0;
}

Result<u64> sys_get_robust_list(int tid, UserOut<u64> head, UserOut<u64> length) {
    Thread* thread = tid == 0 ? current_thread() : find_thread(u64(tid));
    if (!thread)
        return Errno::ESRCH;
    u64 size = 24; // sizeof(struct robust_list_head)
    TRY(copy_to_user(head, &thread->robust_list));
    TRY(copy_to_user(length, &size));
    return 0;
}

Result<u64> sys_sched_yield() {
    schedule();
    return 0;
}

Result<u64> sys_getcpu(UserOut<u32> cpu, UserOut<u32> node, u64) {
    u32 zero = 0;
    u32 index = this_cpu().index; // may be stale by the time the caller reads it, as on Linux
    if (!cpu.is_null())
        TRY(copy_to_user(cpu, &index));
    if (!node.is_null())
        TRY(copy_to_user(node, &zero));
    return 0;
}
