/* bench/programs/http_server.c: the guest side of bench/http.sh, the same static binary in ops's
 * VM and in the Linux guest.
 *
 *   port 8080  HTTP/1.1 server: a fixed 13-byte body ("hello, world\n") for every request,
 *              keep-alive unless the client says "Connection: close". One thread per online CPU
 *              (HTTP_THREADS=N overrides), each with its own epoll set holding the shared
 *              non-blocking listening socket (level-triggered; accept4(SOCK_NONBLOCK) until
 *              EAGAIN, so a thread that loses the race just goes back to epoll_wait) and the
 *              connections it accepted.
 *   port 5001  bulk sink: reads a connection to EOF, then answers with the byte count as 8 bytes
 *              (little endian) so the sender times the data that reached the program.
 *   port 5002  bulk source: writes 64 KiB buffers until the peer closes.
 *
 * Prints "http_server ready" on stdout once every socket listens. Runs until killed.
 * Build: gcc -static -O2 -pthread -o http_server http_server.c */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define HTTP_PORT 8080
#define SINK_PORT 5001
#define SOURCE_PORT 5002
#define REQ_BUF 4096

static const char response[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 13\r\n"
    "\r\n"
    "hello, world\n";
static const char response_close[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 13\r\n"
    "Connection: close\r\n"
    "\r\n"
    "hello, world\n";

struct conn {
    int fd;
    size_t len;       /* bytes of a partial request kept in buf */
    char buf[REQ_BUF];
};

static int listen_on(int port, int nonblock) {
    int fd = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0) { perror("socket"); exit(1); }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); exit(1); }
    if (listen(fd, 1024) < 0) { perror("listen"); exit(1); }
    return fd;
}

static int http_listener;

/* Answers every complete request in c->buf; returns -1 when the connection must be closed. */
static int serve(struct conn *c) {
    for (;;) {
        ssize_t n = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
        if (n == 0) return -1;
        if (n < 0) return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
        c->len += (size_t)n;
        for (;;) {
            char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
            if (!end) {
                if (c->len == sizeof c->buf) return -1; /* request head too large */
                break;
            }
            size_t head = (size_t)(end - c->buf) + 4;
            int close_after = memmem(c->buf, head, "Connection: close", 17) != NULL ||
                              memmem(c->buf, head, "HTTP/1.0", 8) != NULL;
            const char *r = close_after ? response_close : response;
            size_t rlen = close_after ? sizeof response_close - 1 : sizeof response - 1;
            /* The response is small: one write fits the socket buffer of a fresh connection. */
            if (write(c->fd, r, rlen) != (ssize_t)rlen) return -1;
            if (close_after) return -1;
            memmove(c->buf, c->buf + head, c->len - head);
            c->len -= head;
        }
    }
}

static void *http_worker(void *arg) {
    (void)arg;
    int ep = epoll_create1(0);
    if (ep < 0) { perror("epoll_create1"); exit(1); }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, http_listener, &ev) < 0) { perror("epoll_ctl listener"); exit(1); }
    struct epoll_event events[64];
    for (;;) {
        int n = epoll_wait(ep, events, 64, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("epoll_wait");
            exit(1);
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (!c) {
                for (;;) {
                    int fd = accept4(http_listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0) break; /* EAGAIN: another thread took it, or none left */
                    int one = 1;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *nc = malloc(sizeof *nc);
                    if (!nc) { close(fd); continue; }
                    nc->fd = fd;
                    nc->len = 0;
                    struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = nc};
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev) < 0) { close(fd); free(nc); }
                }
                continue;
            }
            if (serve(c) < 0) {
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                free(c);
            }
        }
    }
    return NULL;
}

static char bulk_buf[65536];

static void *sink(void *arg) {
    int l = (int)(intptr_t)arg;
    for (;;) {
        int fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) continue;
        uint64_t total = 0;
        for (;;) {
            ssize_t n = read(fd, bulk_buf, sizeof bulk_buf);
            if (n > 0) total += (uint64_t)n;
            else if (n < 0 && errno == EINTR) continue;
            else break;
        }
        unsigned char le[8];
        for (int i = 0; i < 8; i++) le[i] = (unsigned char)(total >> (8 * i));
        if (write(fd, le, 8) != 8) { /* the client gave up; nothing to do */ }
        close(fd);
    }
    return NULL;
}

static char source_buf[65536];

static void *source(void *arg) {
    int l = (int)(intptr_t)arg;
    memset(source_buf, 'x', sizeof source_buf);
    for (;;) {
        int fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) continue;
        for (;;) {
            ssize_t n = write(fd, source_buf, sizeof source_buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break; /* EPIPE/ECONNRESET: the client is done */
        }
        close(fd);
    }
    return NULL;
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const char *t = getenv("HTTP_THREADS");
    int threads = t ? atoi(t) : (int)cpus;
    if (threads < 1) threads = 1;
    if (threads > 64) threads = 64;

    http_listener = listen_on(HTTP_PORT, 1);
    int sink_listener = listen_on(SINK_PORT, 0);
    int source_listener = listen_on(SOURCE_PORT, 0);

    pthread_t th;
    pthread_create(&th, NULL, sink, (void *)(intptr_t)sink_listener);
    pthread_create(&th, NULL, source, (void *)(intptr_t)source_listener);
    for (int i = 1; i < threads; i++) pthread_create(&th, NULL, http_worker, NULL);
    printf("http_server ready: %d HTTP thread(s), %ld CPU(s), ports %d (http) %d (sink) %d (source)\n",
           threads, cpus, HTTP_PORT, SINK_PORT, SOURCE_PORT);
    fflush(stdout);
    http_worker(NULL);
    return 0;
}
