// timer_calls.cpp: alarm, setitimer/getitimer and the POSIX timer syscalls; argument checks and
// copies around linux/interval_timers.cpp.
#include "linux/interval_timers.h"
#include "linux/syscalls.h"

Result<u64> sys_setitimer(int which, UserIn<LinuxItimerval> value, UserOut<LinuxItimerval> old) {
    LinuxItimerval next = {};
    if (!value.is_null())
        TRY(copy_from_user(&next, value));
    LinuxItimerval previous;
    TRY(itimer_set(which, next, &previous));
    if (!old.is_null())
        TRY(copy_to_user(old, &previous));
    return 0;
}

Result<u64> sys_getitimer(int which, UserOut<LinuxItimerval> out) {
    LinuxItimerval value;
    TRY(itimer_get(which, &value));
    TRY(copy_to_user(out, &value));
    return 0;
}

Result<u64> sys_alarm(u32 seconds) {
    LinuxItimerval next = {{0, 0}, {i64(seconds), 0}};
    LinuxItimerval previous;
    TRY(itimer_set(0, next, &previous));
    // Remaining seconds of the previous alarm, rounded up as Linux does.
    u64 left = u64(previous.value.seconds) + (previous.value.microseconds ? 1 : 0);
    return left;
}

Result<u64> sys_timer_create(int clock, UserIn<u8> event, UserOut<i32> id) {
    struct SigEvent {
        u64 value;
        i32 signo;
        i32 notify;
        i32 thread_id;
        u8 pad[44];
    };
    static_assert(sizeof(SigEvent) == 64);
    PosixTimerRequest request = {clock, 0, 14 /* SIGALRM */, 0, 0};
    if (!event.is_null()) {
        SigEvent e;
        TRY(copy_from_user(&e, UserIn<SigEvent>(event.address())));
        request.notify = e.notify;
        request.signo = e.signo;
        request.value = e.value;
        request.thread_id = u64(e.thread_id);
    }
    int created = TRY(posix_timer_create(request));
    if (request.notify == 0 && event.is_null())
        request.value = u64(created);
    i32 value = created;
    auto copied = copy_to_user(id, &value);
    if (copied.is_error()) {
        (void)posix_timer_delete(created);
        return Errno::EFAULT;
    }
    return 0;
}

Result<u64> sys_timer_settime(int id, int flags, UserIn<LinuxItimerspec> value,
                              UserOut<LinuxItimerspec> old) {
    constexpr int TIMER_ABSTIME = 1;
    LinuxItimerspec next;
    TRY(copy_from_user(&next, value));
    LinuxItimerspec previous;
    TRY(posix_timer_set(id, flags & TIMER_ABSTIME, next, &previous));
    if (!old.is_null())
        TRY(copy_to_user(old, &previous));
    return 0;
}

Result<u64> sys_timer_gettime(int id, UserOut<LinuxItimerspec> out) {
    LinuxItimerspec value;
    TRY(posix_timer_get(id, &value));
    TRY(copy_to_user(out, &value));
    return 0;
}

Result<u64> sys_timer_getoverrun(int id) { return u64(TRY(posix_timer_overrun(id))); }

Result<u64> sys_timer_delete(int id) {
    TRY(posix_timer_delete(id));
    return 0;
}
