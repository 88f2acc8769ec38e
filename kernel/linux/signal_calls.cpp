// signal_calls.cpp: signal dispositions and masks are recorded (libc sets them up at start);
// delivery arrives with the threads and signals work.
#include "lib/string.h"
#include "linux/process.h"
#include "linux/syscalls.h"

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
    Process& process = current_process();
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
