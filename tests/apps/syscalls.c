/* syscalls.c: a broad sweep of the syscalls every libc program makes. Prints "ok <name>" or
 * "FAIL <name>: <detail>" per check, in a fixed order, plus "info <name>: ..." lines whose
 * values legitimately differ between hosts (they are never FAIL). Exits 0 iff nothing failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int g_failures;
static char g_detail[512];

/* Formats the detail shown when the check fails. */
#define DETAIL(...) snprintf(g_detail, sizeof(g_detail), __VA_ARGS__)

static void check(const char* name, int ok) {
    if (ok) {
        printf("ok %s\n", name);
    } else {
        printf("FAIL %s: %s\n", name, g_detail);
        g_failures++;
    }
    g_detail[0] = 0;
}

static int64_t nanoseconds(clockid_t clock) {
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0)
        return -1;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const char* basename_of(const char* path) {
    const char* slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void check_identity(void) {
    struct utsname u;
    int r = uname(&u);
    DETAIL("uname returned %d, sysname '%s', machine '%s'", r, u.sysname, u.machine);
    /* Our kernel names itself "ops" (docs/kernel.md); Linux says "Linux". */
    check("uname", r == 0 && (strcmp(u.sysname, "Linux") == 0 || strcmp(u.sysname, "ops") == 0) &&
                       strcmp(u.machine, "x86_64") == 0);

    pid_t pid = getpid();
    DETAIL("getpid %d", (int)pid);
    check("getpid", pid > 0);
    /* Single-threaded, so the only thread's id is the process id. */
    long tid = syscall(SYS_gettid);
    DETAIL("gettid %ld, getpid %d", tid, (int)pid);
    check("gettid", tid == pid);
    /* The unikernel's only process has no parent and may report 0. */
    pid_t ppid = getppid();
    DETAIL("getppid %d", (int)ppid);
    check("getppid", ppid >= 0);

    errno = 0;
    uid_t uid = getuid(), euid = geteuid();
    gid_t gid = getgid(), egid = getegid();
    DETAIL("uid %d euid %d gid %d egid %d errno %d", (int)uid, (int)euid, (int)gid, (int)egid,
           errno);
    check("getuid", errno == 0 && uid == euid && gid == egid);
}

static void check_time(void) {
    int64_t a = nanoseconds(CLOCK_MONOTONIC);
    for (volatile int i = 0; i < 100000; i++) {
    }
    int64_t b = nanoseconds(CLOCK_MONOTONIC);
    DETAIL("monotonic %lld then %lld", (long long)a, (long long)b);
    check("clock_gettime_monotonic", a >= 0 && b > a);

    /* 2020-01-01: any clock before that was never set. */
    int64_t now = nanoseconds(CLOCK_REALTIME);
    DETAIL("realtime %lld ns", (long long)now);
    check("clock_gettime_realtime", now / 1000000000 > 1577836800);

    struct timespec request = {0, 10 * 1000 * 1000};
    int64_t before = nanoseconds(CLOCK_MONOTONIC);
    int r = nanosleep(&request, NULL);
    int64_t slept = nanoseconds(CLOCK_MONOTONIC) - before;
    /* At least the 10 ms asked for; under 5 s even on a slow emulated CPU. */
    DETAIL("nanosleep returned %d after %lld ns", r, (long long)slept);
    check("nanosleep", r == 0 && slept >= 10 * 1000 * 1000 && slept < 5000LL * 1000 * 1000);
}

static void check_random(void) {
    unsigned char buf[32] = {0};
    long n = syscall(SYS_getrandom, buf, sizeof(buf), 0);
    int nonzero = 0;
    for (size_t i = 0; i < sizeof(buf); i++)
        nonzero |= buf[i];
    DETAIL("getrandom returned %ld, errno %d", n, errno);
    check("getrandom", n == (long)sizeof(buf) && nonzero);
}

static void check_memory(void) {
    /* Raw brk, so libc's own bookkeeping is not involved. */
    uintptr_t start = (uintptr_t)syscall(SYS_brk, 0);
    uintptr_t grown = (uintptr_t)syscall(SYS_brk, start + 65536);
    int ok = start != 0 && grown == start + 65536;
    if (ok) {
        memset((void*)start, 0x5a, 65536);
        ok = ((volatile unsigned char*)start)[65535] == 0x5a;
    }
    uintptr_t shrunk = (uintptr_t)syscall(SYS_brk, start);
    DETAIL("brk start %#lx, grown %#lx, shrunk %#lx", (unsigned long)start, (unsigned long)grown,
           (unsigned long)shrunk);
    check("brk", ok && shrunk == start);

    size_t page = 4096;
    unsigned char* p =
        mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ok = p != MAP_FAILED;
    if (ok) {
        ok = p[0] == 0 && p[3 * page - 1] == 0;
        p[0] = 1;
        p[page] = 2;
        p[2 * page] = 3;
    }
    DETAIL("mmap returned %p, errno %d", (void*)p, errno);
    check("mmap", ok);
    if (!ok)
        return;

    int r = mprotect(p + page, page, PROT_READ);
    DETAIL("mprotect returned %d, errno %d", r, errno);
    check("mprotect", r == 0 && p[page] == 2);
    mprotect(p + page, page, PROT_READ | PROT_WRITE);

    unsigned char* q = mremap(p, 3 * page, 8 * page, MREMAP_MAYMOVE);
    ok = q != MAP_FAILED && q[0] == 1 && q[page] == 2 && q[2 * page] == 3 && q[8 * page - 1] == 0;
    DETAIL("mremap returned %p, errno %d", (void*)q, errno);
    check("mremap", ok);
    if (q == MAP_FAILED)
        q = p;
    else
        q[8 * page - 1] = 4;

    r = munmap(q, q == p ? 3 * page : 8 * page);
    DETAIL("munmap returned %d, errno %d", r, errno);
    check("munmap", r == 0);
}

static void check_paths(const char* argv0) {
    char cwd[4096];
    char* r = getcwd(cwd, sizeof(cwd));
    DETAIL("getcwd returned %.200s, errno %d", r ? cwd : "NULL", errno);
    check("getcwd", r && cwd[0] == '/');

    int root = access("/", F_OK);
    errno = 0;
    int missing = access("/nonexistent-ops-test-path", F_OK);
    int missing_errno = errno;
    DETAIL("access(/) %d, access(missing) %d errno %d", root, missing, missing_errno);
    check("access", root == 0 && missing == -1 && missing_errno == ENOENT);

    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n >= 0)
        exe[n] = 0;
    DETAIL("readlink returned %zd (%.200s), errno %d", n, n >= 0 ? exe : "", errno);
    check("readlink_proc_self_exe",
          n > 0 && exe[0] == '/' && strcmp(basename_of(exe), basename_of(argv0)) == 0);
}

static void check_devices(void) {
    int fd = open("/dev/null", O_RDWR);
    char buf[16];
    ssize_t w = fd >= 0 ? write(fd, "hello", 5) : -1;
    ssize_t r = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
    DETAIL("open %d, write %zd, read %zd, errno %d", fd, w, r, errno);
    check("dev_null", fd >= 0 && w == 5 && r == 0);
    if (fd >= 0)
        close(fd);

    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 0xff, sizeof(buf));
    r = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
    int zero = 1;
    for (size_t i = 0; i < sizeof(buf); i++)
        zero &= buf[i] == 0;
    DETAIL("open %d, read %zd, errno %d", fd, r, errno);
    check("dev_zero", fd >= 0 && r == (ssize_t)sizeof(buf) && zero);
    if (fd >= 0)
        close(fd);

    fd = open("/dev/urandom", O_RDONLY);
    r = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
    DETAIL("open %d, read %zd, errno %d", fd, r, errno);
    check("dev_urandom", fd >= 0 && r == (ssize_t)sizeof(buf));
    if (fd >= 0)
        close(fd);
}

static void check_descriptors(void) {
    int fd = open("/dev/null", O_RDWR);
    int a = dup(fd);
    DETAIL("open %d, dup %d, errno %d", fd, a, errno);
    check("dup", fd >= 0 && a >= 0 && a != fd);

    int b = dup2(fd, 100);
    DETAIL("dup2 returned %d, errno %d", b, errno);
    check("dup2", b == 100);

    int c = dup3(fd, 101, O_CLOEXEC);
    int fd_flags = fcntl(101, F_GETFD);
    errno = 0;
    int same = dup3(fd, fd, 0);
    int same_errno = errno;
    DETAIL("dup3 %d, F_GETFD %d, dup3 onto itself %d errno %d", c, fd_flags, same, same_errno);
    check("dup3", c == 101 && fd_flags >= 0 && (fd_flags & FD_CLOEXEC) && same == -1 &&
                      same_errno == EINVAL);

    int fl = fcntl(fd, F_GETFL);
    int set = fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    int fl2 = fcntl(fd, F_GETFL);
    int d = fcntl(fd, F_DUPFD_CLOEXEC, 200);
    int d_flags = d >= 0 ? fcntl(d, F_GETFD) : -1;
    DETAIL("F_GETFL %#x, F_SETFL %d, F_GETFL %#x, F_DUPFD_CLOEXEC %d flags %d", fl, set, fl2, d,
           d_flags);
    check("fcntl", fl >= 0 && (fl & O_ACCMODE) == O_RDWR && set == 0 && (fl2 & O_NONBLOCK) &&
                       d >= 200 && d_flags >= 0 && (d_flags & FD_CLOEXEC));

    close(a);
    close(b);
    close(c);
    close(d);
    close(fd);
    errno = 0;
    int closed = close(101);
    DETAIL("close of a closed fd returned %d, errno %d", closed, errno);
    check("close", closed == -1 && errno == EBADF);

    /* stdout is a terminal or console in some runs and a pipe in others: both are fine. */
    struct termios t;
    errno = 0;
    int tc = ioctl(1, TCGETS, &t);
    int tc_result = tc == 0 ? 0 : -errno;
    printf("info ioctl_tcgets: fd 1 returned %d\n", tc_result);
    DETAIL("ioctl(1, TCGETS) returned %d", tc_result);
    check("ioctl_tcgets", tc_result == 0 || tc_result == -ENOTTY);
}

static void check_limits(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    int r = sched_getaffinity(0, sizeof(set), &set);
    DETAIL("sched_getaffinity returned %d, %d cpus, errno %d", r, CPU_COUNT(&set), errno);
    check("sched_getaffinity", r == 0 && CPU_COUNT(&set) >= 1);

    struct rlimit stack, files;
    int rs = prlimit(0, RLIMIT_STACK, NULL, &stack);
    int rf = prlimit(0, RLIMIT_NOFILE, NULL, &files);
    DETAIL("prlimit stack %d (%llu/%llu), nofile %d (%llu/%llu)", rs,
           (unsigned long long)stack.rlim_cur, (unsigned long long)stack.rlim_max, rf,
           (unsigned long long)files.rlim_cur, (unsigned long long)files.rlim_max);
    check("prlimit64", rs == 0 && rf == 0 && stack.rlim_cur <= stack.rlim_max &&
                           files.rlim_cur >= 3 && files.rlim_cur <= files.rlim_max);
}

static void on_usr1(int signal) {
    (void)signal;
}

static void check_signals(void) {
    struct sigaction action, old;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_usr1;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGUSR2);
    int r1 = sigaction(SIGUSR1, &action, NULL);
    int r2 = sigaction(SIGUSR1, NULL, &old);
    DETAIL("sigaction set %d, get %d, handler recorded %d, mask recorded %d", r1, r2,
           old.sa_handler == on_usr1, sigismember(&old.sa_mask, SIGUSR2));
    check("rt_sigaction", r1 == 0 && r2 == 0 && old.sa_handler == on_usr1 &&
                              sigismember(&old.sa_mask, SIGUSR2) == 1);

    sigset_t block, current;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    int b = sigprocmask(SIG_BLOCK, &block, NULL);
    int g = sigprocmask(SIG_BLOCK, NULL, &current);
    int blocked = sigismember(&current, SIGUSR1);
    int u = sigprocmask(SIG_UNBLOCK, &block, NULL);
    sigprocmask(SIG_BLOCK, NULL, &current);
    int unblocked = !sigismember(&current, SIGUSR1);
    DETAIL("block %d, get %d, blocked %d, unblock %d, unblocked %d", b, g, blocked, u, unblocked);
    check("rt_sigprocmask", b == 0 && g == 0 && blocked == 1 && u == 0 && unblocked);
}

int main(int argc, char** argv) {
    (void)argc;
    setvbuf(stdout, NULL, _IOLBF, 0);
    check_identity();
    check_time();
    check_random();
    check_memory();
    check_paths(argv[0]);
    check_devices();
    check_descriptors();
    check_limits();
    check_signals();
    printf("%s\n", g_failures ? "syscalls: some checks failed" : "syscalls: all checks passed");
    return g_failures ? 1 : 0;
}
