// interval_timers.cpp: interval and POSIX timers. ITIMER_REAL and POSIX timers run on
// KernelTimer: expiry runs in the timer interrupt and queues the signal; periodic timers re-arm
// from their previous deadline so they do not drift, counting overruns when expirations were
// missed. ITIMER_VIRTUAL and ITIMER_PROF count down the program's CPU time as
// sched/cpu_time.cpp charges it (user time; user and system time).
#include "linux/interval_timers.h"
#include "linux/process.h"
#include "linux/signals.h"
#include "linux/time_values.h"
#include "sched/cpu_time.h"
#include "sched/scheduler.h"
#include "sched/timer.h"
#include "time/clock.h"

namespace {

constexpr u64 NS = 1000000000;
constexpr int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD_ID = 4;
constexpr int MAX_POSIX_TIMERS = 64;

struct ProgramTimer {
    KernelTimer timer;
    u64 interval_ns = 0;
    int notify = SIGEV_SIGNAL;
    int signo = 0;
    int clock = 1;
    u64 value = 0;
    u64 thread_id = 0;
    int id = -1;
    u32 overrun = 0;
    bool in_use = false;
};

ProgramTimer g_itimers[3];
ProgramTimer g_posix[MAX_POSIX_TIMERS];

void expire(KernelTimer* kernel_timer) {
    ProgramTimer* t = timer_owner<ProgramTimer, &ProgramTimer::timer>(kernel_timer);
    if (t->interval_ns) {
        u64 now = monotonic_ns();
        u64 next = t->timer.deadline + t->interval_ns;
        t->overrun = 0;
        while (next <= now) {
            next += t->interval_ns;
            t->overrun++;
        }
        timer_start(&t->timer, next);
    }
    if (t->notify == SIGEV_NONE)
        return;
    SignalInfo info = {};
    info.signo = t->signo;
    if (t->id >= 0) {
        info.code = -2; // SI_TIMER
        info.fields[0] = u64(u32(t->id)) | (u64(t->overrun) << 32);
        info.fields[1] = t->value;
    } else {
        info.code = 0x80; // SI_KERNEL, as Linux reports itimer signals
    }
    Thread* target = t->notify == SIGEV_THREAD_ID ? find_thread(t->thread_id) : nullptr;
    if (target)
        send_signal(target, info);
    else
        send_signal_to_program(info);
}

void arm(ProgramTimer& t, u64 deadline, u64 interval) {
    t.interval_ns = interval;
    t.timer.fire = expire;
    if (deadline)
        timer_start(&t.timer, deadline);
    else
        timer_cancel(&t.timer);
}

u64 remaining(const ProgramTimer& t) {
    if (!t.timer.armed())
        return 0;
    u64 now = monotonic_ns();
    return t.timer.deadline > now ? t.timer.deadline - now : 1;
}

// ITIMER_VIRTUAL and ITIMER_PROF: CPU time left until the signal, and the reload.
struct CpuTimer {
    u64 left_ns = 0; // 0: disarmed
    u64 interval_ns = 0;
    int signo = 0;
};
CpuTimer g_cpu_timers[2]; // [0] ITIMER_VIRTUAL (user time), [1] ITIMER_PROF (user + system)

void count_down(CpuTimer& t, u64 used_ns) {
    if (!t.left_ns || !used_ns)
        return;
    if (used_ns < t.left_ns) {
        t.left_ns -= used_ns;
        return;
    }
    // Expired: one signal however far past (Linux does not queue itimer overruns).
    u64 over = used_ns - t.left_ns;
    t.left_ns = t.interval_ns ? t.interval_ns - over % t.interval_ns : 0;
    SignalInfo info = {};
    info.signo = t.signo;
    info.code = 0x80; // SI_KERNEL, as Linux reports itimer signals
    send_signal_to_program(info);
}

void cpu_time_charged(u64 user_ns, u64 system_ns) {
    count_down(g_cpu_timers[0], user_ns);
    count_down(g_cpu_timers[1], user_ns + system_ns);
}

u64 cpu_timer_budget() {
    u64 least = 0;
    for (const CpuTimer& t : g_cpu_timers)
        if (t.left_ns && (!least || t.left_ns < least))
            least = t.left_ns;
    return least;
}

constexpr CpuTimeListener CPU_TIMER_LISTENER = {cpu_time_charged, cpu_timer_budget};

u64 timeval_to_ns(const LinuxTimeval& t) {
    return u64(t.seconds) * NS + u64(t.microseconds) * 1000;
}
LinuxTimeval ns_to_timeval(u64 ns) {
    return {i64(ns / NS), i64(ns % NS / 1000)};
}

Result<ProgramTimer*> posix_timer(int id) {
    if (id < 0 || id >= MAX_POSIX_TIMERS || !g_posix[id].in_use)
        return Errno::EINVAL;
    return &g_posix[id];
}

} // namespace

u64 timespec_to_ns(const LinuxTimespec& t) {
    return u64(t.seconds) * NS + u64(t.nanoseconds);
}
LinuxTimespec ns_to_timespec(u64 ns) {
    return {i64(ns / NS), i64(ns % NS)};
}

Result<u64> clock_now(int clock) {
    switch (clock) {
    case 0: // CLOCK_REALTIME
    case 8: // CLOCK_REALTIME_ALARM
        return realtime_ns();
    case 1: // CLOCK_MONOTONIC
    case 7: // CLOCK_BOOTTIME
    case 9: // CLOCK_BOOTTIME_ALARM
        return monotonic_ns();
    default:
        return Errno::EINVAL;
    }
}

Result<void> itimer_set(int which, const LinuxItimerval& value, LinuxItimerval* old) {
    constexpr int signals[3] = {signal::SIGALRM, 26 /* SIGVTALRM */, 27 /* SIGPROF */};
    if (which < 0 || which > 2)
        return Errno::EINVAL;
    if (value.value.seconds < 0 || value.value.microseconds < 0 ||
        value.value.microseconds >= 1000000 || value.interval.seconds < 0 ||
        value.interval.microseconds < 0 || value.interval.microseconds >= 1000000)
        return Errno::EINVAL;
    if (which != 0) {
        CpuTimer& t = g_cpu_timers[which - 1];
        if (old)
            *old = LinuxItimerval{ns_to_timeval(t.interval_ns), ns_to_timeval(t.left_ns)};
        t.signo = signals[which];
        t.interval_ns = timeval_to_ns(value.interval);
        t.left_ns = timeval_to_ns(value.value);
        cpu_time_set_listener(&CPU_TIMER_LISTENER);
        scheduler_rearm_timer(); // this CPU looks again when the new budget could be used up
        return {};
    }
    ProgramTimer& t = g_itimers[which];
    if (old)
        *old = LinuxItimerval{ns_to_timeval(t.interval_ns), ns_to_timeval(remaining(t))};
    t.signo = signals[which];
    t.notify = SIGEV_SIGNAL;
    u64 first = timeval_to_ns(value.value);
    arm(t, first ? deadline_after(monotonic_ns(), first) : 0, timeval_to_ns(value.interval));
    return {};
}

Result<void> itimer_get(int which, LinuxItimerval* out) {
    if (which < 0 || which > 2)
        return Errno::EINVAL;
    if (which != 0) {
        const CpuTimer& t = g_cpu_timers[which - 1];
        *out = LinuxItimerval{ns_to_timeval(t.interval_ns), ns_to_timeval(t.left_ns)};
        return {};
    }
    ProgramTimer& t = g_itimers[which];
    *out = LinuxItimerval{ns_to_timeval(t.interval_ns), ns_to_timeval(remaining(t))};
    return {};
}

Result<int> posix_timer_create(const PosixTimerRequest& request) {
    TRY(clock_now(request.clock == 2 || request.clock == 3 ? 1 : request.clock));
    if (request.notify != SIGEV_SIGNAL && request.notify != SIGEV_NONE &&
        request.notify != SIGEV_THREAD_ID)
        return Errno::EINVAL;
    if (request.notify != SIGEV_NONE && (request.signo < 1 || request.signo > SIGNAL_COUNT))
        return Errno::EINVAL;
    if (request.notify == SIGEV_THREAD_ID && !find_thread(request.thread_id))
        return Errno::EINVAL;
    for (int id = 0; id < MAX_POSIX_TIMERS; id++) {
        ProgramTimer& t = g_posix[id];
        if (t.in_use)
            continue;
        t = ProgramTimer();
        t.in_use = true;
        t.id = id;
        t.clock = request.clock;
        t.notify = request.notify;
        t.signo = request.signo;
        t.value = request.value;
        t.thread_id = request.thread_id;
        return id;
    }
    return Errno::EAGAIN;
}

Result<void> posix_timer_set(int id, bool absolute, const LinuxItimerspec& value,
                             LinuxItimerspec* old) {
    ProgramTimer* t = TRY(posix_timer(id));
    TRY(check_itimerspec(value.interval, value.value));
    if (old)
        *old = LinuxItimerspec{ns_to_timespec(t->interval_ns), ns_to_timespec(remaining(*t))};
    u64 first = timespec_to_ns(value.value);
    u64 deadline = 0;
    if (first) {
        int clock = t->clock == 2 || t->clock == 3 ? 1 : t->clock;
        u64 now = TRY(clock_now(clock));
        u64 mono = monotonic_ns();
        deadline =
            absolute ? (first > now ? mono + (first - now) : mono) : deadline_after(mono, first);
    }
    arm(*t, deadline, timespec_to_ns(value.interval));
    return {};
}

Result<void> posix_timer_get(int id, LinuxItimerspec* out) {
    ProgramTimer* t = TRY(posix_timer(id));
    *out = LinuxItimerspec{ns_to_timespec(t->interval_ns), ns_to_timespec(remaining(*t))};
    return {};
}

Result<int> posix_timer_overrun(int id) {
    ProgramTimer* t = TRY(posix_timer(id));
    return int(t->overrun);
}

Result<void> posix_timer_delete(int id) {
    ProgramTimer* t = TRY(posix_timer(id));
    timer_cancel(&t->timer);
    t->in_use = false;
    return {};
}
