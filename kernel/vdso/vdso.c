/* vdso.c: the virtual dynamic shared object mapped into the program: clock_gettime,
 * gettimeofday, time, clock_getres and getcpu answered without entering the kernel. Built as
 * a tiny freestanding shared object (no libc) and embedded in the kernel. */
#include "vdso_data.h"

#include <stdint.h>

struct timespec_abi {
    int64_t tv_sec;
    int64_t tv_nsec;
};
struct timeval_abi {
    int64_t tv_sec;
    int64_t tv_usec;
};

extern const struct VdsoData vdso_data_page __attribute__((visibility("hidden")));

enum { CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
       CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7 };
enum { SYS_gettimeofday = 96, SYS_time = 201, SYS_clock_gettime = 228, SYS_clock_getres = 229,
       SYS_getcpu = 309 };

static long syscall2(long number, long a, long b) {
    long result;
    __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return result;
}

static long syscall3(long number, long a, long b, long c) {
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return result;
}

static uint64_t monotonic_ns(const volatile struct VdsoData* d) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    uint64_t delta = (((uint64_t)hi << 32) | lo) - d->boot_tsc;
    return (uint64_t)(((unsigned __int128)delta * d->ns_per_tsc_32) >> 32);
}

static int now_ns(int clock, uint64_t* out) {
    const volatile struct VdsoData* d = &vdso_data_page;
    if (!d->ready)
        return 0;
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        *out = d->realtime_at_boot + monotonic_ns(d);
        return 1;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        *out = monotonic_ns(d);
        return 1;
    default:
        return 0;
    }
}

int __vdso_clock_gettime(int clock, struct timespec_abi* ts) {
    uint64_t ns;
    if (!now_ns(clock, &ns))
        return (int)syscall2(SYS_clock_gettime, clock, (long)ts);
    ts->tv_sec = (int64_t)(ns / 1000000000);
    ts->tv_nsec = (int64_t)(ns % 1000000000);
    return 0;
}

int __vdso_gettimeofday(struct timeval_abi* tv, void* tz) {
    uint64_t ns;
    if (!now_ns(CLOCK_REALTIME, &ns))
        return (int)syscall2(SYS_gettimeofday, (long)tv, (long)tz);
    if (tv) {
        tv->tv_sec = (int64_t)(ns / 1000000000);
        tv->tv_usec = (int64_t)(ns % 1000000000 / 1000);
    }
    return 0;
}

int64_t __vdso_time(int64_t* t) {
    uint64_t ns;
    if (!now_ns(CLOCK_REALTIME, &ns))
        return syscall2(SYS_time, (long)t, 0);
    int64_t seconds = (int64_t)(ns / 1000000000);
    if (t)
        *t = seconds;
    return seconds;
}

int __vdso_clock_getres(int clock, struct timespec_abi* res) {
    uint64_t ignored;
    if (!now_ns(clock, &ignored))
        return (int)syscall2(SYS_clock_getres, clock, (long)res);
    if (res) {
        res->tv_sec = 0;
        res->tv_nsec = 1;
    }
    return 0;
}

long __vdso_getcpu(unsigned* cpu, unsigned* node, void* cache) {
    const volatile struct VdsoData* d = &vdso_data_page;
    if (!d->ready || !d->has_rdtscp)
        return syscall3(SYS_getcpu, (long)cpu, (long)node, (long)cache);
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    if (cpu)
        *cpu = aux & 0xfff;
    if (node)
        *node = 0;
    return 0;
}

int clock_gettime(int, struct timespec_abi*) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct timeval_abi*, void*) __attribute__((weak, alias("__vdso_gettimeofday")));
int64_t time(int64_t*) __attribute__((weak, alias("__vdso_time")));
int clock_getres(int, struct timespec_abi*) __attribute__((weak, alias("__vdso_clock_getres")));
long getcpu(unsigned*, unsigned*, void*) __attribute__((weak, alias("__vdso_getcpu")));
