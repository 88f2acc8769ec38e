// signal_calls.cpp: signal dispositions, masks, the alternate stack, sending signals to our own
// threads, and rt_sigreturn. Queueing and delivery live in linux/signals.cpp.
#include "lib/string.h"
#include "linux/process.h"
#include "linux/signals.h"
#include "linux/abi/structs.h"
#include "linux/syscalls.h"
#include "linux/time_values.h"
#include "sched/scheduler.h"
#include "time/clock.h"

namespace {
constexpr int SIGKILL = 9, SIGSTOP = 19;
constexpr u64 SIGSET_SIZE = 8;
constexpr u64 UNBLOCKABLE = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));
} // namespace

Result<u64> sys_rt_sigaction(int signal, UserIn<u8> action, UserOut<u8> old_action, u64 size) {
    if (size != SIGSET_SIZE || signal < 1 || signal > SIGNAL_COUNT)
        return Errno::EINVAL;
    if ((signal == SIGKILL || signal == SIGSTOP) && !action.is_null())
        return Errno::EINVAL;
    KernelSigaction& slot = current_process().actions[signal - 1];
    if (!old_action.is_null())
        TRY(copy_to_user(UserOut<KernelSigaction>(old_action.address()), &slot));
    if (!action.is_null()) {
        KernelSigaction next;
        TRY(copy_from_user(&next, UserIn<KernelSigaction>(action.address())));
        slot = next;
    }
    return 0;
}

Result<u64> sys_rt_sigprocmask(int how, UserIn<u64> set, UserOut<u64> old_set, u64 size) {
    constexpr int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    if (size != SIGSET_SIZE)
        return Errno::EINVAL;
    Thread& process = *current_thread();
    u64 previous = process.signal_mask;
    if (!set.is_null()) {
        u64 value;
        TRY(copy_from_user(&value, set));
        switch (how) {
        case SIG_BLOCK:
            process.signal_mask |= value;
            break;
        case SIG_UNBLOCK:
            process.signal_mask &= ~value;
            break;
        case SIG_SETMASK:
            process.signal_mask = value;
            break;
        default:
            return Errno::EINVAL;
        }
        process.signal_mask &= ~UNBLOCKABLE;
    }
    if (!old_set.is_null())
        TRY(copy_to_user(old_set, &previous));
    return 0;
}

Result<u64> sys_rt_sigreturn() { return restore_signal_frame(*current_thread()->user_frame); }

Result<u64> sys_sigaltstack(UserIn<u8> new_stack, UserOut<u8> old_stack) {
    struct StackInfo {
        u64 sp;
        i32 flags;
        i32 pad;
        u64 size;
    };
    constexpr i32 SS_ONSTACK = 1, SS_DISABLE = 2;
    constexpr u64 MINSIGSTKSZ = 2048;
    Thread& t = *current_thread();
    u64 sp = t.user_frame->rsp;
    bool on_stack = t.altstack_size && sp > t.altstack_sp && sp <= t.altstack_sp + t.altstack_size;
    if (!old_stack.is_null()) {
        StackInfo old = {t.altstack_sp, on_stack ? SS_ONSTACK : t.altstack_flags, 0,
                         t.altstack_size};
        TRY(copy_to_user(UserOut<StackInfo>(old_stack.address()), &old));
    }
    if (!new_stack.is_null()) {
        StackInfo next;
        TRY(copy_from_user(&next, UserIn<StackInfo>(new_stack.address())));
        if (on_stack)
            return Errno::EPERM;
        if (next.flags & ~(SS_DISABLE | 0x80000000 /* SS_AUTODISARM */))
            return Errno::EINVAL;
        if (next.flags & SS_DISABLE) {
            t.altstack_sp = 0;
            t.altstack_size = 0;
            t.altstack_flags = SS_DISABLE;
        } else {
            if (next.size < MINSIGSTKSZ)
                return Errno::ENOMEM;
            t.altstack_sp = next.sp;
            t.altstack_size = next.size;
            t.altstack_flags = 0;
        }
    }
    return 0;
}

Result<u64> sys_rt_sigpending(UserOut<u64> set, u64 size) {
    if (size != SIGSET_SIZE)
        return Errno::EINVAL;
    u64 pending = current_thread()->pending_signals;
    TRY(copy_to_user(set, &pending));
    return 0;
}

namespace {
Result<u64> send_to_thread(u64 tid, int signo) {
    if (signo < 0 || signo > SIGNAL_COUNT)
        return Errno::EINVAL;
    Thread* target = find_thread(tid);
    if (!target)
        return Errno::ESRCH;
    if (signo == 0)
        return 0;
    SignalInfo info = {};
    info.signo = signo;
    info.code = -6; // SI_TKILL
    info.fields[0] = current_process().pid; // si_pid (si_uid = 0)
    send_signal(target, info);
    return 0;
}
} // namespace

Result<u64> sys_tkill(int tid, int signo) { return send_to_thread(u64(tid), signo); }

Result<u64> sys_tgkill(int tgid, int tid, int signo) {
    if (u64(tgid) != current_process().pid)
        return Errno::ESRCH;
    return send_to_thread(u64(tid), signo);
}

Result<u64> sys_kill(int pid, int signo) {
    if (signo < 0 || signo > SIGNAL_COUNT)
        return Errno::EINVAL;
    // Only our own program exists: pid 0, -1 and our pid all mean it.
    if (pid != 0 && pid != -1 && u64(pid) != current_process().pid)
        return Errno::ESRCH;
    if (signo == 0)
        return 0;
    SignalInfo info = {};
    info.signo = signo;
    info.code = 0; // SI_USER
    info.fields[0] = current_process().pid;
    send_signal_to_program(info);
    return 0;
}

Result<u64> sys_rt_sigsuspend(UserIn<u64> mask, u64 size) {
    if (size != SIGSET_SIZE)
        return Errno::EINVAL;
    u64 temporary;
    TRY(copy_from_user(&temporary, mask));
    Thread& t = *current_thread();
    u64 old = t.signal_mask;
    t.signal_mask = temporary & ~signal::UNBLOCKABLE;
    while (!(t.pending_signals & ~t.signal_mask))
        block_current(0);
    // The handler's frame records `old` as the mask to return to (see build_frame).
    t.saved_mask = old;
    t.has_saved_mask = true;
    return Errno::EINTR;
}

Result<u64> sys_rt_sigtimedwait(UserIn<u64> set, UserOut<u8> info, UserIn<LinuxTimespec> timeout,
                                u64 size) {
    if (size != SIGSET_SIZE)
        return Errno::EINVAL;
    u64 wanted;
    TRY(copy_from_user(&wanted, set));
    wanted &= ~signal::UNBLOCKABLE;
    u64 deadline = 0;
    bool no_wait = false;
    if (!timeout.is_null()) {
        u64 ns = TRY(copy_timespec_ns(timeout));
        no_wait = ns == 0;
        deadline = deadline_after(monotonic_ns(), ns);
    }
    Thread& self = *current_thread();
    SignalInfo got;
    for (;;) {
        if (dequeue_signal(self, wanted, &got))
            break;
        if (no_wait)
            return Errno::EAGAIN;
        self.waiting_for = wanted;
        WakeReason reason = block_current(deadline);
        self.waiting_for = 0;
        if (dequeue_signal(self, wanted, &got))
            break;
        if (reason == WakeReason::TimedOut)
            return Errno::EAGAIN;
        if (reason == WakeReason::Interrupted && (self.pending_signals & ~self.signal_mask))
            return Errno::EINTR; // another, unblocked signal arrived: its handler runs
    }
    if (!info.is_null())
        TRY(copy_to_user(UserOut<SignalInfo>(info.address()), &got));
    return u64(got.signo);
}

Result<u64> sys_pause() {
    Thread& t = *current_thread();
    while (!(t.pending_signals & ~t.signal_mask))
        block_current(0);
    return Errno::EINTR;
}
