/* waiting.c: blocking and readiness across threads. A writer thread feeds a pipe and an
 * eventfd; the main thread waits with epoll (level- and edge-triggered, one-shot), poll and
 * select; futex waits time out with ETIMEDOUT and see EAGAIN on a changed value; EPOLLEXCLUSIVE:
 * one eventfd write wakes one of several threads each in its own epoll. One "ok <name>" line per
 * check; exits 0 iff all pass. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* From linux/futex.h, which musl-gcc does not see. */
#define FUTEX_WAIT_PRIVATE 128

static int g_failures;
static int g_pipe[2];
static int g_event;

static void check(const char* name, int ok) {
    printf("%s %s\n", ok ? "ok" : "FAIL", name);
    if (!ok)
        g_failures++;
}

static void* writer(void* arg) {
    (void)arg;
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
    write(g_pipe[1], "ping", 4);
    nanosleep(&pause, NULL);
    uint64_t one = 1;
    write(g_event, &one, sizeof(one));
    return NULL;
}

/* EPOLLEXCLUSIVE: EXCLUSIVE_WAITERS threads each add the same eventfd to an epoll instance of
 * their own with EPOLLEXCLUSIVE and wait (bounded by EXCLUSIVE_WAIT_MS); the main thread writes
 * the eventfd once after all of them are waiting. Linux wakes one exclusive waiter per
 * notification; the others time out and, having had nothing delivered, report no event. */
#define EXCLUSIVE_WAITERS 4
#define EXCLUSIVE_WAIT_MS 1000
static int g_exclusive_event;
static atomic_int g_exclusive_ready;
static atomic_int g_exclusive_woken;
static atomic_int g_exclusive_errors;

static void* exclusive_waiter(void* arg) {
    (void)arg;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.u64 = 9};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, g_exclusive_event, &ev) != 0)
        atomic_fetch_add(&g_exclusive_errors, 1);
    atomic_fetch_add(&g_exclusive_ready, 1);
    struct epoll_event got;
    int n = epoll_wait(ep, &got, 1, EXCLUSIVE_WAIT_MS);
    if (n == 1 && got.data.u64 == 9)
        atomic_fetch_add(&g_exclusive_woken, 1);
    else if (n != 0)
        atomic_fetch_add(&g_exclusive_errors, 1);
    close(ep);
    return NULL;
}

static void check_epoll_exclusive(void) {
    g_exclusive_event = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    pthread_t threads[EXCLUSIVE_WAITERS];
    for (int i = 0; i < EXCLUSIVE_WAITERS; i++)
        pthread_create(&threads[i], NULL, exclusive_waiter, NULL);
    struct timespec tick = {0, 1000 * 1000};
    for (int i = 0; i < 5000 && atomic_load(&g_exclusive_ready) < EXCLUSIVE_WAITERS; i++)
        nanosleep(&tick, NULL);
    /* Every waiter announced itself right before epoll_wait: give them time to block. */
    struct timespec settle = {0, 200 * 1000 * 1000};
    nanosleep(&settle, NULL);
    uint64_t one = 1;
    write(g_exclusive_event, &one, sizeof(one));
    for (int i = 0; i < EXCLUSIVE_WAITERS; i++)
        pthread_join(threads[i], NULL);
    printf("epoll_exclusive: %d of %d waiters woken\n", atomic_load(&g_exclusive_woken),
           EXCLUSIVE_WAITERS);
    check("epoll_exclusive_wakes_one",
          atomic_load(&g_exclusive_errors) == 0 && atomic_load(&g_exclusive_woken) == 1);
    /* EPOLLEXCLUSIVE is refused with EPOLL_CTL_MOD and with EPOLLONESHOT, as Linux does. */
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT};
    int oneshot = epoll_ctl(ep, EPOLL_CTL_ADD, g_exclusive_event, &ev) == -1 && errno == EINVAL;
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    int added = epoll_ctl(ep, EPOLL_CTL_ADD, g_exclusive_event, &ev) == 0;
    int mod = epoll_ctl(ep, EPOLL_CTL_MOD, g_exclusive_event, &ev) == -1 && errno == EINVAL;
    check("epoll_exclusive_flags", oneshot && added && mod);
    close(ep);
    close(g_exclusive_event);
}

static long futex(uint32_t* address, int op, uint32_t value, const struct timespec* timeout) {
    return syscall(SYS_futex, address, op, value, timeout, NULL, 0);
}

int main(void) {
    if (pipe2(g_pipe, O_CLOEXEC) != 0 || (g_event = eventfd(0, EFD_NONBLOCK)) < 0) {
        printf("FAIL setup: errno %d\n", errno);
        return 1;
    }
    char byte;
    int flags = fcntl(g_pipe[0], F_GETFL);
    fcntl(g_pipe[0], F_SETFL, flags | O_NONBLOCK);
    check("pipe_nonblock_empty", read(g_pipe[0], &byte, 1) == -1 && errno == EAGAIN);
    fcntl(g_pipe[0], F_SETFL, flags);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 1};
    epoll_ctl(ep, EPOLL_CTL_ADD, g_pipe[0], &ev);
    struct epoll_event ev2 = {.events = EPOLLIN | EPOLLET, .data.u64 = 2};
    epoll_ctl(ep, EPOLL_CTL_ADD, g_event, &ev2);

    pthread_t thread;
    pthread_create(&thread, NULL, writer, NULL);
    struct epoll_event got[4];
    int n = epoll_wait(ep, got, 4, 5000);
    check("epoll_pipe_ready", n == 1 && got[0].data.u64 == 1 && (got[0].events & EPOLLIN));
    /* Level-triggered: still ready until read. */
    n = epoll_wait(ep, got, 4, 0);
    check("epoll_level_repeats", n == 1 && got[0].data.u64 == 1);
    char buffer[8] = {0};
    check("pipe_read",
          read(g_pipe[0], buffer, sizeof(buffer)) == 4 && memcmp(buffer, "ping", 4) == 0);
    n = epoll_wait(ep, got, 4, 5000);
    check("epoll_eventfd_ready", n == 1 && got[0].data.u64 == 2);
    /* Edge-triggered: no new edge, so nothing more even though the counter is still set. */
    n = epoll_wait(ep, got, 4, 30);
    check("epoll_edge_once", n == 0);
    uint64_t value = 0;
    check("eventfd_read", read(g_event, &value, sizeof(value)) == 8 && value == 1);
    check("eventfd_empty_eagain", read(g_event, &value, sizeof(value)) == -1 && errno == EAGAIN);
    pthread_join(thread, NULL);

    /* One-shot: reported once, then disarmed until EPOLL_CTL_MOD. */
    struct epoll_event ev3 = {.events = EPOLLOUT | EPOLLONESHOT, .data.u64 = 3};
    epoll_ctl(ep, EPOLL_CTL_ADD, g_pipe[1], &ev3);
    n = epoll_wait(ep, got, 4, 0);
    int first = n == 1 && got[0].data.u64 == 3;
    n = epoll_wait(ep, got, 4, 0);
    check("epoll_oneshot", first && n == 0);

    struct pollfd pfd[2] = {{g_pipe[0], POLLIN, 0}, {g_pipe[1], POLLOUT, 0}};
    n = poll(pfd, 2, 0);
    check("poll", n == 1 && pfd[1].revents == POLLOUT && pfd[0].revents == 0);
    write(g_pipe[1], "x", 1);
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(g_pipe[0], &readable);
    struct timeval tv = {1, 0};
    n = select(g_pipe[0] + 1, &readable, NULL, NULL, &tv);
    check("select", n == 1 && FD_ISSET(g_pipe[0], &readable));
    read(g_pipe[0], &byte, 1);

    close(g_pipe[1]);
    check("pipe_eof", read(g_pipe[0], &byte, 1) == 0);

    static uint32_t word = 7;
    struct timespec short_wait = {0, 30 * 1000 * 1000};
    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    long r = futex(&word, FUTEX_WAIT_PRIVATE, 7, &short_wait);
    int timed_out = r == -1 && errno == ETIMEDOUT;
    clock_gettime(CLOCK_MONOTONIC, &after);
    long elapsed_ms =
        (after.tv_sec - before.tv_sec) * 1000 + (after.tv_nsec - before.tv_nsec) / 1000000;
    check("futex_timeout", timed_out && elapsed_ms >= 25);
    r = futex(&word, FUTEX_WAIT_PRIVATE, 8, &short_wait);
    check("futex_eagain", r == -1 && errno == EAGAIN);

    check_epoll_exclusive();

    printf(g_failures ? "waiting: FAIL\n" : "waiting: ok\n");
    return g_failures ? 1 : 0;
}
