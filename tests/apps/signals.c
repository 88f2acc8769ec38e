/* signals.c: signal handling end to end. Handlers with SA_SIGINFO, masks and pending signals,
 * sigaltstack, a caught SIGSEGV (with its fault address) that longjmps out, raise/kill/tgkill,
 * sigsuspend, sigtimedwait, alarm, setitimer, POSIX timers, timerfd and signalfd; CPU time:
 * ITIMER_VIRTUAL/ITIMER_PROF and timers on the CPU-time clocks fire after CPU time is used, not
 * while sleeping, and the CPU-time clocks, getrusage and times count it. One "ok <name>" line
 * per check; exits 0 iff all pass. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static int g_failures;
static volatile sig_atomic_t g_usr1, g_alarm, g_timer, g_timer_value;
static volatile uintptr_t g_fault_address;
static volatile int g_on_altstack;
static sigjmp_buf g_jump;
static char g_altstack[64 * 1024];

static volatile sig_atomic_t g_usr2;
static int g_restart_pipe[2];
static pid_t g_main_tid;

static void on_usr2(int signo) {
    (void)signo;
    g_usr2++;
}

/* Interrupts the main thread's blocking read with a signal, then gives it data. */
static void* interrupter(void* arg) {
    (void)arg;
    struct timespec pause_time = {0, 30 * 1000 * 1000};
    nanosleep(&pause_time, NULL);
    syscall(SYS_tgkill, getpid(), g_main_tid, SIGUSR2);
    nanosleep(&pause_time, NULL);
    write(g_restart_pipe[1], "x", 1);
    return NULL;
}

static void check(const char* name, int ok) {
    printf("%s %s\n", ok ? "ok" : "FAIL", name);
    if (!ok)
        g_failures++;
}

static volatile sig_atomic_t g_vtalrm, g_prof, g_cpu_clock_timer;

static void on_cpu_timer(int signo) {
    if (signo == SIGVTALRM)
        g_vtalrm++;
    else if (signo == SIGPROF)
        g_prof++;
    else if (signo == SIGRTMIN + 1)
        g_cpu_clock_timer++;
}

static int64_t clock_ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Spins (no syscalls but the vDSO clock) until *count reaches target, at most 10 s of wall
 * time. */
static void spin_until(volatile sig_atomic_t* count, int target) {
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    volatile uint64_t sink = 0;
    while (*count < target && clock_ns(CLOCK_MONOTONIC) - start < 10000000000LL)
        for (int i = 0; i < 100000 && *count < target; i++)
            sink += (uint64_t)i;
}

/* ITIMER_VIRTUAL counts user CPU time: a sleep does not use it up, a busy loop does. ITIMER_PROF
 * counts user and system time. The checks are on CPU time, never on how long anything took. */
static void check_cpu_time(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_cpu_timer;
    sigaction(SIGVTALRM, &sa, NULL);
    sigaction(SIGPROF, &sa, NULL);

    int64_t thread_before = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    struct itimerval virtual_timer = {{0, 0}, {0, 50 * 1000}};
    setitimer(ITIMER_VIRTUAL, &virtual_timer, NULL);
    struct timespec nap = {0, 200 * 1000 * 1000};
    nanosleep(&nap, NULL);
    int64_t thread_after = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    struct itimerval left;
    getitimer(ITIMER_VIRTUAL, &left);
    check("itimer_virtual_not_while_sleeping",
          g_vtalrm == 0 && (left.it_value.tv_sec > 0 || left.it_value.tv_usec > 0));
    check("thread_cputime_not_while_sleeping", thread_after - thread_before < 100 * 1000 * 1000);

    int64_t cpu_before = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    spin_until(&g_vtalrm, 1);
    int64_t cpu_used = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu_before;
    getitimer(ITIMER_VIRTUAL, &left);
    printf("itimer_virtual: signal after %lld ms of CPU time\n", (long long)(cpu_used / 1000000));
    check("itimer_virtual_after_cpu_time", g_vtalrm == 1 && cpu_used >= 25 * 1000 * 1000 &&
                                               left.it_value.tv_sec == 0 &&
                                               left.it_value.tv_usec == 0);

    struct itimerval prof_timer = {{0, 20 * 1000}, {0, 20 * 1000}};
    setitimer(ITIMER_PROF, &prof_timer, NULL);
    spin_until(&g_prof, 2);
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_PROF, &off, NULL);
    check("itimer_prof_periodic", g_prof >= 2);

    /* POSIX timers on the CPU-time clocks: not while sleeping, after the CPU time. */
    sigaction(SIGRTMIN + 1, &sa, NULL);
    const clockid_t cpu_clocks[2] = {CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
    int cpu_clock_timers_ok = 1;
    for (int i = 0; i < 2; i++) {
        struct sigevent sev;
        memset(&sev, 0, sizeof(sev));
        sev.sigev_notify = SIGEV_SIGNAL;
        sev.sigev_signo = SIGRTMIN + 1;
        timer_t timer;
        if (timer_create(cpu_clocks[i], &sev, &timer) != 0) {
            cpu_clock_timers_ok = 0;
            continue;
        }
        g_cpu_clock_timer = 0;
        struct itimerspec spec = {{0, 0}, {0, 30 * 1000 * 1000}};
        timer_settime(timer, 0, &spec, NULL);
        struct timespec short_nap = {0, 100 * 1000 * 1000};
        nanosleep(&short_nap, NULL);
        int quiet = g_cpu_clock_timer == 0;
        int64_t start = clock_ns(cpu_clocks[i]);
        spin_until(&g_cpu_clock_timer, 1);
        int64_t used = clock_ns(cpu_clocks[i]) - start;
        if (!quiet || g_cpu_clock_timer != 1 || used < 15 * 1000 * 1000)
            cpu_clock_timers_ok = 0;
        timer_delete(timer);
    }
    check("posix_cpu_clock_timers", cpu_clock_timers_ok);

    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    int64_t user_us = (int64_t)usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec;
    struct tms tms;
    times(&tms);
    check("getrusage_times", user_us >= 40 * 1000 && tms.tms_utime + tms.tms_stime >= 4 &&
                                 clock_ns(CLOCK_PROCESS_CPUTIME_ID) >= 60 * 1000 * 1000);
}

static void on_usr1(int signo, siginfo_t* info, void* context) {
    (void)context;
    if (signo == SIGUSR1 && info->si_signo == SIGUSR1)
        g_usr1++;
}

static void on_segv(int signo, siginfo_t* info, void* context) {
    (void)signo;
    (void)context;
    stack_t current;
    sigaltstack(NULL, &current);
    g_on_altstack = (current.ss_flags & SS_ONSTACK) != 0;
    g_fault_address = (uintptr_t)info->si_addr;
    siglongjmp(g_jump, 1);
}

static void on_alarm(int signo) {
    (void)signo;
    g_alarm++;
}

static void on_timer(int signo, siginfo_t* info, void* context) {
    (void)signo;
    (void)context;
    g_timer++;
    g_timer_value = info->si_value.sival_int;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    check("raise_handler", g_usr1 == 1);

    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    kill(getpid(), SIGUSR1);
    sigset_t pending;
    sigpending(&pending);
    check("blocked_is_pending", g_usr1 == 1 && sigismember(&pending, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    check("unblock_delivers", g_usr1 == 2);

    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
    check("tgkill", g_usr1 == 3);

    stack_t ss = {.ss_sp = g_altstack, .ss_size = sizeof(g_altstack), .ss_flags = 0};
    check("sigaltstack", sigaltstack(&ss, NULL) == 0);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(g_jump, 1) == 0) {
        *(volatile int*)(uintptr_t)0x1234 = 1;
        check("segv_caught", 0);
    } else {
        check("segv_caught", g_fault_address == 0x1234);
        check("segv_on_altstack", g_on_altstack);
    }

    /* sigsuspend: block SIGUSR1, queue it, then suspend with it unblocked. */
    sigprocmask(SIG_BLOCK, &block, &old);
    kill(getpid(), SIGUSR1);
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    int r = sigsuspend(&wait_mask);
    sigset_t after;
    sigprocmask(SIG_SETMASK, NULL, &after);
    check("sigsuspend", r == -1 && errno == EINTR && g_usr1 == 4 && sigismember(&after, SIGUSR1));

    /* sigtimedwait: take a blocked signal without running its handler. */
    kill(getpid(), SIGUSR1);
    siginfo_t info;
    struct timespec no_time = {0, 0};
    int got = sigtimedwait(&block, &info, &no_time);
    check("sigtimedwait", got == SIGUSR1 && info.si_signo == SIGUSR1 && g_usr1 == 4);
    struct timespec short_time = {0, 20 * 1000 * 1000};
    got = sigtimedwait(&block, &info, &short_time);
    check("sigtimedwait_timeout", got == -1 && errno == EAGAIN);
    sigprocmask(SIG_SETMASK, &old, NULL);

    signal(SIGALRM, on_alarm);
    alarm(1);
    unsigned left = alarm(0);
    check("alarm_cancel", left == 1 && g_alarm == 0);
    struct itimerval it = {{0, 0}, {0, 30 * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
    while (!g_alarm)
        pause();
    check("setitimer", g_alarm == 1);

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN, &sa, NULL);
    struct sigevent sev;
    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGRTMIN;
    sev.sigev_value.sival_int = 77;
    timer_t timer;
    check("timer_create", timer_create(CLOCK_MONOTONIC, &sev, &timer) == 0);
    struct itimerspec its = {{0, 10 * 1000 * 1000}, {0, 10 * 1000 * 1000}};
    timer_settime(timer, 0, &its, NULL);
    while (g_timer < 3)
        pause();
    timer_delete(timer);
    check("posix_timer_periodic", g_timer >= 3 && g_timer_value == 77);

    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    struct itimerspec tits = {{0, 5 * 1000 * 1000}, {0, 5 * 1000 * 1000}};
    timerfd_settime(tfd, 0, &tits, NULL);
    uint64_t expirations = 0;
    ssize_t n = read(tfd, &expirations, sizeof(expirations));
    check("timerfd", n == 8 && expirations >= 1);
    close(tfd);

    sigprocmask(SIG_BLOCK, &block, &old);
    int sfd = signalfd(-1, &block, SFD_CLOEXEC);
    kill(getpid(), SIGUSR1);
    struct signalfd_siginfo ssi;
    n = read(sfd, &ssi, sizeof(ssi));
    check("signalfd", n == sizeof(ssi) && ssi.ssi_signo == SIGUSR1 && g_usr1 == 4);
    close(sfd);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* SA_RESTART: the read interrupted by the handler continues and returns the data. */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr2;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR2, &sa, NULL);
    pipe(g_restart_pipe);
    g_main_tid = (pid_t)syscall(SYS_gettid);
    pthread_t thread;
    pthread_create(&thread, NULL, interrupter, NULL);
    char byte = 0;
    ssize_t got_bytes = read(g_restart_pipe[0], &byte, 1);
    pthread_join(thread, NULL);
    check("sa_restart", got_bytes == 1 && byte == 'x' && g_usr2 == 1);

    check_cpu_time();

    printf(g_failures ? "signals: FAIL\n" : "signals: ok\n");
    return g_failures ? 1 : 0;
}
