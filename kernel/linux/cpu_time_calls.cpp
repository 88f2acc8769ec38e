// cpu_time_calls.cpp: getrusage and times, from the scheduler's CPU time accounting
// (sched/cpu_time.h). There are no child processes, so the children's figures are zero.
#include "linux/abi/structs.h"
#include "linux/syscalls.h"
#include "sched/cpu_time.h"
#include "sched/thread.h"
#include "time/clock.h"

namespace {

constexpr u64 NS = 1000000000;
constexpr u64 USER_HZ = 100; // the unit of times() and clock_t, as on Linux

struct LinuxRusage {
    LinuxTimeval utime;
    LinuxTimeval stime;
    i64 maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv,
        nsignals, nvcsw, nivcsw;
};
static_assert(sizeof(LinuxRusage) == 144);

struct LinuxTms {
    i64 utime, stime, cutime, cstime;
};

LinuxTimeval timeval_of(u64 ns) {
    return LinuxTimeval{i64(ns / NS), i64(ns % NS / 1000)};
}
i64 ticks_of(u64 ns) {
    return i64(ns / (NS / USER_HZ));
}

} // namespace

Result<u64> sys_getrusage(int who, UserOut<u8> user_usage) {
    UserOut<LinuxRusage> out(user_usage.address());
    constexpr int RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
    LinuxRusage usage = {};
    switch (who) {
    case RUSAGE_SELF: {
        CpuTimes times = process_cpu_times();
        SwitchCounts switches = process_switch_counts();
        usage.utime = timeval_of(times.user_ns);
        usage.stime = timeval_of(times.system_ns);
        usage.nvcsw = i64(switches.voluntary);
        usage.nivcsw = i64(switches.involuntary);
        break;
    }
    case RUSAGE_THREAD: {
        CpuTimes times = thread_cpu_times(current_thread());
        usage.utime = timeval_of(times.user_ns);
        usage.stime = timeval_of(times.system_ns);
        break;
    }
    case RUSAGE_CHILDREN:
        break; // no child processes in a unikernel
    default:
        return Errno::EINVAL;
    }
    TRY(copy_to_user(out, &usage));
    return 0;
}

Result<u64> sys_times(UserOut<u8> user_tms) {
    UserOut<LinuxTms> out(user_tms.address());
    if (!out.is_null()) {
        CpuTimes times = process_cpu_times();
        LinuxTms tms = {ticks_of(times.user_ns), ticks_of(times.system_ns), 0, 0};
        TRY(copy_to_user(out, &tms));
    }
    return u64(ticks_of(monotonic_ns())); // ticks since boot, an arbitrary fixed point as Linux's
}
