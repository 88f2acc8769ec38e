// time_values.cpp: timespec validation and conversion.
#include "linux/time_values.h"

Result<u64> timespec_ns(const LinuxTimespec& t) {
    if (t.seconds < 0 || t.nanoseconds < 0 || t.nanoseconds >= i64(NS_PER_SECOND))
        return Errno::EINVAL;
    if (u64(t.seconds) > (~0ull - u64(t.nanoseconds)) / NS_PER_SECOND)
        return ~0ull;
    return u64(t.seconds) * NS_PER_SECOND + u64(t.nanoseconds);
}

Result<u64> copy_timespec_ns(UserIn<LinuxTimespec> user) {
    LinuxTimespec t;
    TRY(copy_from_user(&t, user));
    return timespec_ns(t);
}

Result<void> check_itimerspec(const LinuxTimespec& interval, const LinuxTimespec& value) {
    TRY(timespec_ns(interval));
    TRY(timespec_ns(value));
    return {};
}

u64 deadline_after(u64 now_ns, u64 ns) {
    constexpr u64 NEVER = ~0ull / 2; // far beyond any uptime, still safe to add small slack to
    return ns >= NEVER - now_ns ? NEVER : now_ns + ns;
}
