/* bench/programs/microbench.c: syscall and thread micro-benchmarks for bench/syscalls.sh.
 * Built static with gcc (glibc) and run unchanged as the program of an ops image and as
 * /hello of the Linux comparison guest. Not a test: it asserts nothing.
 *
 * Every measurement is a bounded loop: at most MAX iterations and at most BUDGET_NS of
 * CLOCK_MONOTONIC time (checked every BATCH iterations), after a short warm-up. It prints
 * one line per result, "name value", nothing else on those lines:
 *   vdso 0|1                    AT_SYSINFO_EHDR present in the auxiliary vector
 *   clocksource NAME            Linux only (sysfs), when MICROBENCH_SYSFS=1 is in the environment
 *   clock_mark_ns T             guest CLOCK_MONOTONIC, printed first and last: the script stamps
 *                               these two lines with the host clock to check the guest's clock
 *   getpid_ns X                 raw syscall(SYS_getpid), ns per call
 *   clock_gettime_ns X          clock_gettime(CLOCK_MONOTONIC) through libc, ns per call
 *   thread_create_join_us X     pthread_create + pthread_join of an empty function, us per pair
 *   futex_pingpong_ns X         one round trip (A wakes B, B wakes A) through futex words
 *   futex_pingpong_per_s X      round trips per second (1e9 / futex_pingpong_ns)
 *   <name>_iters N              iterations the value above was computed from
 *   microbench done
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BUDGET_NS 1000000000LL /* per measurement */

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void result(const char *name, double value, long iters) {
    printf("%s %.1f\n%s_iters %ld\n", name, value, name, iters);
    fflush(stdout);
}

/* ---- getpid ---- */
static double bench_getpid(long max, long batch, long *iters) {
    for (int i = 0; i < 1000; i++) syscall(SYS_getpid); /* warm-up */
    long n = 0;
    int64_t t0 = now_ns(), t = t0;
    while (n < max && t - t0 < BUDGET_NS) {
        for (long i = 0; i < batch; i++) syscall(SYS_getpid);
        n += batch;
        t = now_ns();
    }
    *iters = n;
    return (double)(t - t0) / n;
}

/* ---- clock_gettime ---- */
static volatile long sink;
static double bench_clock_gettime(long max, long batch, long *iters) {
    struct timespec ts;
    for (int i = 0; i < 1000; i++) clock_gettime(CLOCK_MONOTONIC, &ts);
    long n = 0;
    int64_t t0 = now_ns(), t = t0;
    while (n < max && t - t0 < BUDGET_NS) {
        for (long i = 0; i < batch; i++) {
            clock_gettime(CLOCK_MONOTONIC, &ts);
            sink += ts.tv_nsec;
        }
        n += batch;
        t = now_ns();
    }
    *iters = n;
    return (double)(t - t0) / n;
}

/* ---- thread create + join ---- */
static void *empty_thread(void *arg) { return arg; }

static double bench_threads(long max, long *iters) {
    pthread_t th;
    for (int i = 0; i < 5; i++) {
        if (pthread_create(&th, 0, empty_thread, 0) != 0) { *iters = 0; return -1; }
        pthread_join(th, 0);
    }
    long n = 0;
    int64_t t0 = now_ns(), t = t0;
    while (n < max && t - t0 < BUDGET_NS) {
        if (pthread_create(&th, 0, empty_thread, 0) != 0) break;
        pthread_join(th, 0);
        n++;
        t = now_ns();
    }
    *iters = n;
    return n ? (double)(t - t0) / n / 1000.0 : -1;
}

/* ---- futex ping-pong ----
 * turn == 0: the main thread's move, turn == 1: the partner's. Each side waits on the word
 * with FUTEX_WAIT (private) while it is not its turn, hands the turn over and wakes the other.
 * No spinning, so every round trip is two wakes plus (usually) two sleeps. */
static _Atomic int turn;
static _Atomic int stop;

static long futex(_Atomic int *uaddr, int op, int val) {
    return syscall(SYS_futex, uaddr, op | FUTEX_PRIVATE_FLAG, val, 0, 0, 0);
}

static void *pong(void *arg) {
    (void)arg;
    for (;;) {
        while (atomic_load(&turn) != 1) futex(&turn, FUTEX_WAIT, 0);
        if (atomic_load(&stop)) break;
        atomic_store(&turn, 0);
        futex(&turn, FUTEX_WAKE, 1);
    }
    return 0;
}

static void ping_once(void) {
    atomic_store(&turn, 1);
    futex(&turn, FUTEX_WAKE, 1);
    while (atomic_load(&turn) != 0) futex(&turn, FUTEX_WAIT, 1);
}

static double bench_futex(long max, long batch, long *iters) {
    pthread_t th;
    atomic_store(&turn, 0);
    atomic_store(&stop, 0);
    if (pthread_create(&th, 0, pong, 0) != 0) { *iters = 0; return -1; }
    for (int i = 0; i < 100; i++) ping_once(); /* warm-up */
    long n = 0;
    int64_t t0 = now_ns(), t = t0;
    while (n < max && t - t0 < BUDGET_NS) {
        for (long i = 0; i < batch; i++) ping_once();
        n += batch;
        t = now_ns();
    }
    atomic_store(&stop, 1);
    atomic_store(&turn, 1);
    futex(&turn, FUTEX_WAKE, 1);
    pthread_join(th, 0);
    *iters = n;
    return (double)(t - t0) / n;
}

/* Linux guest only: which clocksource backs CLOCK_MONOTONIC (a vDSO read needs tsc). */
static void print_clocksource(void) {
    const char *e = getenv("MICROBENCH_SYSFS");
    if (!e || strcmp(e, "1") != 0) return;
    mkdir("/sys", 0555);
    mount("sysfs", "/sys", "sysfs", 0, 0);
    char buf[64] = {0};
    int fd = open("/sys/devices/system/clocksource/clocksource0/current_clocksource", O_RDONLY);
    if (fd < 0) return;
    ssize_t r = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (r <= 0) return;
    buf[strcspn(buf, "\n")] = 0;
    printf("clocksource %s\n", buf);
}

int main(void) {
    long n;
    double v;
    printf("vdso %d\n", getauxval(AT_SYSINFO_EHDR) != 0);
    print_clocksource();
    printf("clock_mark_ns %lld\n", (long long)now_ns());
    fflush(stdout);

    v = bench_getpid(20000000, 1000, &n);
    result("getpid_ns", v, n);
    v = bench_clock_gettime(20000000, 1000, &n);
    result("clock_gettime_ns", v, n);
    v = bench_threads(100000, &n);
    result("thread_create_join_us", v, n);
    v = bench_futex(2000000, 100, &n);
    result("futex_pingpong_ns", v, n);
    printf("futex_pingpong_per_s %.1f\n", v > 0 ? 1e9 / v : 0.0);
    printf("clock_mark_ns %lld\n", (long long)now_ns());
    printf("microbench done\n");
    fflush(stdout);
    return 0;
}
