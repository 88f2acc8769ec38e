// time_calls.cpp: clock and sleep syscalls over time/clock.cpp.
#include "linux/abi/structs.h"
#include "linux/interval_timers.h"
#include "linux/syscalls.h"
#include "linux/time_values.h"
#include "sched/scheduler.h"
#include "time/clock.h"

namespace {
constexpr int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2,
              CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
              CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
constexpr int TIMER_ABSTIME = 1;
constexpr u64 NS = 1000000000;

Result<u64> now_for(int clock) {
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        return realtime_ns();
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        return monotonic_ns();
    case CLOCK_PROCESS_CPUTIME_ID: // user + system time (sched/cpu_time.h)
    case CLOCK_THREAD_CPUTIME_ID:
        return cpu_clock_now(clock);
    default:
        // Negative ids are CPU-time clocks of a process or thread (clock_getcpuclockid).
        return clock < 0 ? cpu_clock_now(clock) : Result<u64>(Errno::EINVAL);
    }
}

Result<u64> duration_of(UserIn<LinuxTimespec> user) {
    return copy_timespec_ns(user);
}
} // namespace

Result<u64> sys_clock_gettime(int clock, UserOut<LinuxTimespec> out) {
    u64 now = TRY(now_for(clock));
    LinuxTimespec t = {i64(now / NS), i64(now % NS)};
    TRY(copy_to_user(out, &t));
    return 0;
}

Result<u64> sys_clock_getres(int clock, UserOut<LinuxTimespec> out) {
    TRY(now_for(clock));
    if (out.is_null())
        return 0;
    LinuxTimespec t = {0, 1};
    TRY(copy_to_user(out, &t));
    return 0;
}

Result<u64> sys_gettimeofday(UserOut<LinuxTimeval> out, u64) {
    if (out.is_null())
        return 0;
    u64 now = realtime_ns();
    LinuxTimeval t = {i64(now / NS), i64(now % NS / 1000)};
    TRY(copy_to_user(out, &t));
    return 0;
}

Result<u64> sys_time(UserOut<i64> out) {
    i64 seconds = i64(realtime_ns() / NS);
    if (!out.is_null())
        TRY(copy_to_user(out, &seconds));
    return u64(seconds);
}

Result<u64> sys_nanosleep(UserIn<LinuxTimespec> request, UserOut<LinuxTimespec> remaining) {
    return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, request, remaining);
}

Result<u64> sys_clock_nanosleep(int clock, int flags, UserIn<LinuxTimespec> request,
                                UserOut<LinuxTimespec> remaining) {
    if (clock == CLOCK_THREAD_CPUTIME_ID)
        return Errno::EINVAL;
    u64 now = TRY(now_for(clock));
    u64 amount = TRY(duration_of(request));
    u64 deadline;
    if (flags & TIMER_ABSTIME)
        deadline = amount > now ? monotonic_ns() + (amount - now) : monotonic_ns();
    else
        deadline = monotonic_ns() + min<u64>(amount, ~0ull / 2);
    if (sleep_until_deadline(deadline) != WakeReason::Interrupted)
        return 0;
    if (!(flags & TIMER_ABSTIME) && !remaining.is_null()) {
        u64 now_mono = monotonic_ns();
        u64 left = deadline > now_mono ? deadline - now_mono : 0;
        LinuxTimespec t = {i64(left / NS), i64(left % NS)};
        TRY(copy_to_user(remaining, &t));
    }
    return Errno::EINTR;
}
