// interval_timers.h: the program's timers that end in a signal: setitimer/alarm (one each of
// ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF) and POSIX timers (timer_create). ITIMER_REAL and
// POSIX timers count wall time; ITIMER_VIRTUAL counts the program's user CPU time, ITIMER_PROF
// its user and system time, and POSIX timers on CLOCK_PROCESS_CPUTIME_ID/CLOCK_THREAD_CPUTIME_ID
// the program's or the creating thread's CPU time.
#pragma once

#include "lib/result.h"
#include "linux/abi/structs.h"

struct LinuxItimerval {
    LinuxTimeval interval;
    LinuxTimeval value;
};

struct LinuxItimerspec {
    LinuxTimespec interval;
    LinuxTimespec value;
};

Result<void> itimer_set(int which, const LinuxItimerval& value, LinuxItimerval* old);
Result<void> itimer_get(int which, LinuxItimerval* out);

struct PosixTimerRequest {
    int clock;
    int notify; // SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID
    int signo;
    u64 value;     // sigval
    u64 thread_id; // for SIGEV_THREAD_ID
};
Result<int> posix_timer_create(const PosixTimerRequest& request);
Result<void> posix_timer_set(int id, bool absolute, const LinuxItimerspec& value,
                             LinuxItimerspec* old);
Result<void> posix_timer_get(int id, LinuxItimerspec* out);
Result<int> posix_timer_overrun(int id);
Result<void> posix_timer_delete(int id);

// Helpers shared with timerfd: timespec <-> ns and the clock's current reading.
u64 timespec_to_ns(const LinuxTimespec& t);
LinuxTimespec ns_to_timespec(u64 ns);
Result<u64> clock_now(int clock);
// A CPU-time clock's reading: CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID or the encoded
// per-process/per-thread ids glibc makes (pid/tid 0 = the caller); EINVAL for anything else.
Result<u64> cpu_clock_now(int clock);
