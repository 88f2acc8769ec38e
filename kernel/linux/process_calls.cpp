// process_calls.cpp: identity, limits, exit, thread-pointer and scheduling syscalls for the
// single program. uname reports sysname "ops" (documented in docs/kernel.md).
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/per_cpu.h"
#include "sched/thread.h"
#include "lib/random.h"
#include "lib/string.h"
#include "linux/abi/structs.h"
#include "linux/abi/sysinfo.h"
#include "linux/process.h"
#include "linux/syscalls.h"
#include "mm/layout.h"
#include "mm/physical.h"
#include "time/clock.h"

namespace {
constexpr u32 RLIMIT_STACK = 3;
constexpr u32 RLIMIT_NOFILE = 7;
constexpr u32 RLIMIT_COUNT = 16;
constexpr u64 RLIM_INFINITY = ~0ull;

// The kernel's fixed bounds: no more descriptors than the table holds (Linux's nr_open plays
// this role), everything else unlimited until something enforces it.
Process::Limit* limits() {
    Process& p = current_process();
    if (!p.limits_ready) {
        for (auto& limit : p.limits)
            limit = {RLIM_INFINITY, RLIM_INFINITY};
        p.limits[RLIMIT_STACK] = {8 * MiB, RLIM_INFINITY};
        p.limits[RLIMIT_NOFILE] = {u64(FdTable::MAX_FDS), u64(FdTable::MAX_FDS)};
        p.limits_ready = true;
    }
    return p.limits;
}

LinuxRlimit limit_of(u32 resource) {
    Process::Limit limit = limits()[resource];
    return {limit.current, limit.maximum};
}
} // namespace

Result<u64> sys_getpid() { return current_process().pid; }
Result<u64> sys_getppid() { return 0; }
Result<u64> sys_getuid() { return 0; }
Result<u64> sys_geteuid() { return 0; }
Result<u64> sys_getgid() { return 0; }
Result<u64> sys_getegid() { return 0; }

Result<u64> sys_exit_group(int status) { process_exit(status); }

Result<u64> sys_uname(UserOut<LinuxUtsname> out) {
    LinuxUtsname u = {};
    memcpy(u.sysname, "ops", 4);
    memcpy(u.nodename, "uniboot", 8);
    memcpy(u.release, "6.1.0-ops", 10); // a Linux-like release: libcs compare versions
    memcpy(u.version, "#1 SMP ops", 11);
    memcpy(u.machine, "x86_64", 7);
    memcpy(u.domainname, "(none)", 7);
    TRY(copy_to_user(out, &u));
    return 0;
}

Result<u64> sys_getrlimit(u32 resource, UserOut<LinuxRlimit> out) {
    if (resource >= RLIMIT_COUNT)
        return Errno::EINVAL;
    LinuxRlimit limit = limit_of(resource);
    TRY(copy_to_user(out, &limit));
    return 0;
}

Result<u64> sys_prlimit64(int pid, u32 resource, UserIn<LinuxRlimit> new_limit,
                          UserOut<LinuxRlimit> old_limit) {
    if (pid != 0 && u64(pid) != current_process().pid)
        return Errno::ESRCH;
    if (resource >= RLIMIT_COUNT)
        return Errno::EINVAL;
    if (!old_limit.is_null()) {
        LinuxRlimit limit = limit_of(resource);
        TRY(copy_to_user(old_limit, &limit));
    }
    if (!new_limit.is_null()) {
        LinuxRlimit limit;
        TRY(copy_from_user(&limit, new_limit));
        if (limit.current > limit.maximum)
            return Errno::EINVAL;
        // The descriptor table cannot grow: raising past it fails as raising past nr_open does.
        if (resource == RLIMIT_NOFILE && limit.maximum > u64(FdTable::MAX_FDS))
            return Errno::EPERM;
        // Recorded so getrlimit reports it. FIXME: not enforced yet (a lowered RLIMIT_NOFILE
        // does not shrink the descriptor table, RLIMIT_AS does not bound mmap).
        limits()[resource] = {limit.current, limit.maximum};
    }
    return 0;
}

Result<u64> sys_arch_prctl(int code, u64 address) {
    constexpr int ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003,
                  ARCH_GET_GS = 0x1004;
    switch (code) {
    case ARCH_SET_FS:
        if (address >= USER_END)
            return Errno::EPERM;
        cpu::wrmsr(cpu::msr::FS_BASE, address);
        return 0;
    case ARCH_GET_FS: {
        u64 value = cpu::rdmsr(cpu::msr::FS_BASE);
        TRY(copy_to_user(UserOut<u64>(address), &value));
        return 0;
    }
    case ARCH_SET_GS:
        if (address >= USER_END)
            return Errno::EPERM;
        cpu::wrmsr(cpu::msr::KERNEL_GS_BASE, address); // the user's GS while we run on ours
        return 0;
    case ARCH_GET_GS: {
        u64 value = cpu::rdmsr(cpu::msr::KERNEL_GS_BASE);
        TRY(copy_to_user(UserOut<u64>(address), &value));
        return 0;
    }
    default:
        return Errno::EINVAL;
    }
}

Result<u64> sys_sched_getaffinity(int pid, u64 size, UserOut<u8> mask) {
    Thread* thread = pid == 0 ? current_thread() : find_thread(u64(pid));
    if (!thread)
        return Errno::ESRCH;
    constexpr u64 MASK_BYTES = MAX_CPUS / 8; // the kernel's cpumask size
    if (size < MASK_BYTES || size % 8)
        return Errno::EINVAL;
    u64 online = cpu_count() == 64 ? ~0ull : (1ull << cpu_count()) - 1;
    u64 bits = thread->affinity & online;
    TRY(copy_array_to_user(mask, reinterpret_cast<const u8*>(&bits), MASK_BYTES));
    return MASK_BYTES;
}

Result<u64> sys_sched_setaffinity(int pid, u64 size, UserIn<u8> mask) {
    Thread* thread = pid == 0 ? current_thread() : find_thread(u64(pid));
    if (!thread)
        return Errno::ESRCH;
    u64 bits = 0;
    TRY(copy_array_from_user(reinterpret_cast<u8*>(&bits), mask, min<u64>(size, 8)));
    u64 online = cpu_count() == 64 ? ~0ull : (1ull << cpu_count()) - 1;
    if (!(bits & online))
        return Errno::EINVAL;
    thread->affinity = bits & online;
    // Move off a CPU that is no longer allowed at the next return to user mode.
    if (thread == current_thread() && !(thread->affinity & (1ull << thread->cpu)))
        this_cpu().need_resched = true;
    return 0;
}

Result<u64> sys_getrandom(UserOut<u8> buffer, u64 length, u32 flags) {
    constexpr u32 GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return Errno::EINVAL;
    length = min<u64>(length, 32 * MiB);
    u8 chunk[256];
    for (u64 done = 0; done < length;) {
        u64 n = min<u64>(length - done, sizeof(chunk));
        random_fill(chunk, n);
        TRY(copy_array_to_user(buffer.offset(done), chunk, n));
        done += n;
    }
    return length;
}

// sysinfo: uptime, RAM, the thread count. Sizes are in bytes with mem_unit 1, as 64-bit Linux
// reports them (its totals always fit). Load averages are not sampled by the scheduler, so they
// read 0 as on an idle machine; there is no swap and no high memory.
Result<u64> sys_sysinfo(UserOut<LinuxSysinfo> out) {
    LinuxSysinfo info = {};
    info.uptime = i64(monotonic_ns() / 1000000000);
    info.totalram = physical_total_pages() * PAGE_SIZE;
    info.freeram = physical_free_pages() * PAGE_SIZE;
    info.procs = u16(min<u64>(live_thread_count(), 0xffff));
    info.mem_unit = 1;
    TRY(copy_to_user(out, &info));
    return 0;
}
