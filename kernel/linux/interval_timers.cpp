// interval_timers.cpp: interval and POSIX timers. ITIMER_REAL and POSIX timers on the wall
// clocks run on KernelTimer: expiry runs in the timer interrupt and queues the signal; periodic
// timers re-arm from their previous deadline so they do not drift, counting overruns when
// expirations were missed. ITIMER_VIRTUAL, ITIMER_PROF and POSIX timers on the CPU-time clocks
// count CPU time down as sched/cpu_time.cpp charges it.
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
constexpr int CLOCK_PROCESS_CPUTIME = 2, CLOCK_THREAD_CPUTIME = 3;

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
    // Timers on CLOCK_PROCESS_CPUTIME_ID / CLOCK_THREAD_CPUTIME_ID count CPU time down instead
    // of using `timer`: left_ns until expiry (0: disarmed), for the program or one thread.
    bool cpu_clock = false;
    u64 cpu_thread = 0; // the thread whose CPU time counts (thread clock), 0 for the program
    bool cpu_user_only = false;
    u64 left_ns = 0;
};

ProgramTimer g_itimers[3];
ProgramTimer g_posix[MAX_POSIX_TIMERS];

void notify_expiry(ProgramTimer* t);

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
    notify_expiry(t);
}

void notify_expiry(ProgramTimer* t) {
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
    if (t.cpu_clock)
        return t.left_ns;
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

// A POSIX timer on a CPU-time clock used `used_ns` more of its clock.
void count_down_posix(ProgramTimer& t, u64 used_ns) {
    if (!t.left_ns || !used_ns)
        return;
    if (used_ns < t.left_ns) {
        t.left_ns -= used_ns;
        return;
    }
    u64 over = used_ns - t.left_ns;
    t.overrun = t.interval_ns ? u32(min<u64>(over / t.interval_ns, 0x7fffffff)) : 0;
    t.left_ns = t.interval_ns ? t.interval_ns - over % t.interval_ns : 0;
    notify_expiry(&t);
}

void cpu_time_charged(Thread* thread, u64 user_ns, u64 system_ns) {
    count_down(g_cpu_timers[0], user_ns);
    count_down(g_cpu_timers[1], user_ns + system_ns);
    for (ProgramTimer& t : g_posix)
        if (t.in_use && t.cpu_clock && (!t.cpu_thread || t.cpu_thread == thread->tid))
            count_down_posix(t, t.cpu_user_only ? user_ns : user_ns + system_ns);
}

u64 cpu_timer_budget() {
    u64 least = 0;
    auto consider = [&](u64 left) {
        if (left && (!least || left < least))
            least = left;
    };
    for (const CpuTimer& t : g_cpu_timers)
        consider(t.left_ns);
    for (const ProgramTimer& t : g_posix)
        if (t.in_use && t.cpu_clock)
            consider(t.left_ns);
    return least;
}

constexpr CpuTimeListener CPU_TIMER_LISTENER = {cpu_time_charged, cpu_timer_budget};

// A CPU-time clock: CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID, or the encoded form
// glibc passes (clock_getcpuclockid, pthread_getcpuclockid, and timer_create for both):
// ~pid_or_tid << 3 | per-thread (4) | PROF (0), VIRT (1) or SCHED (2) ([linux]
// include/linux/posix-timers.h).
struct CpuClock {
    u64 thread = 0;         // the thread whose time counts, 0 for the whole program
    bool user_only = false; // VIRT: user time only
};

Result<CpuClock> decode_cpu_clock(int clock) {
    if (clock == CLOCK_PROCESS_CPUTIME)
        return CpuClock{};
    if (clock == CLOCK_THREAD_CPUTIME)
        return CpuClock{current_thread()->tid, false};
    if (clock >= 0 || (clock & 3) == 3)
        return Errno::EINVAL;
    u64 id = u64(~(i64(clock) >> 3));
    bool per_thread = clock & 4;
    CpuClock decoded{0, (clock & 3) == 1};
    if (per_thread) {
        decoded.thread = id ? id : current_thread()->tid;
        if (decoded.thread != current_thread()->tid && !find_thread(decoded.thread))
            return Errno::EINVAL;
    } else if (id != 0 && id != current_process().pid) {
        return Errno::EINVAL; // no other processes
    }
    return decoded;
}

u64 cpu_clock_read(u64 thread_id, bool user_only) {
    // The caller's own clock needs no walk of the thread list (clock_gettime runs without the
    // kernel lock for it).
    Thread* self = current_thread();
    Thread* thread = !thread_id ? nullptr : thread_id == self->tid ? self : find_thread(thread_id);
    CpuTimes times = thread ? thread_cpu_times(thread) : process_cpu_times();
    return user_only ? times.user_ns : times.user_ns + times.system_ns;
}

// The current reading of a CPU-time timer's clock.
u64 timer_clock_now(const ProgramTimer& t) {
    return cpu_clock_read(t.cpu_thread, t.cpu_user_only);
}

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

Result<u64> cpu_clock_now(int clock) {
    CpuClock decoded = TRY(decode_cpu_clock(clock));
    return cpu_clock_read(decoded.thread, decoded.user_only);
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
    bool cpu_clock = request.clock == CLOCK_PROCESS_CPUTIME ||
                     request.clock == CLOCK_THREAD_CPUTIME || request.clock < 0;
    CpuClock decoded;
    if (cpu_clock)
        decoded = TRY(decode_cpu_clock(request.clock));
    else
        TRY(clock_now(request.clock));
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
        if (cpu_clock) {
            // CLOCK_THREAD_CPUTIME_ID is the creating thread's clock, as on Linux.
            t.cpu_clock = true;
            t.cpu_thread = decoded.thread;
            t.cpu_user_only = decoded.user_only;
            cpu_time_set_listener(&CPU_TIMER_LISTENER);
        }
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
    if (t->cpu_clock) {
        u64 used = timer_clock_now(*t);
        t->interval_ns = timespec_to_ns(value.interval);
        t->overrun = 0;
        // An absolute expiry already passed fires at the next charge, as soon as possible.
        t->left_ns = !first ? 0 : !absolute ? first : first > used ? first - used : 1;
        scheduler_rearm_timer();
        return {};
    }
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
    t->left_ns = 0;
    t->in_use = false;
    return {};
}
