/* bench/programs/tcp_bulk.c: the host side of bench/http.sh's bulk TCP rows.
 *
 *   tcp_bulk send ADDR PORT SECONDS   writes 64 KiB buffers for SECONDS, shuts down its write side
 *                                     and waits for the guest's sink (http_server.c, port 5001) to
 *                                     answer with the byte count it read; the rate is that count
 *                                     over the time from connect to the answer.
 *   tcp_bulk recv ADDR PORT SECONDS   reads from the guest's source (port 5002) for SECONDS.
 *   tcp_bulk keepalive ADDR PORT SECONDS  sends "GET /" requests one at a time on one keep-alive
 *                                     connection to the HTTP server (port 8080) for SECONDS and
 *                                     stops at the first response that takes over 2 s (a stall:
 *                                     wrk does not count a request that never completes).
 *
 * Prints "bytes N seconds S MiB_per_s R" (keepalive: "requests N stalled 0|1 seconds S"). Build: gcc -O2 -o tcp_bulk tcp_bulk.c */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char buf[65536];

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: tcp_bulk send|recv ADDR PORT SECONDS\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int sending = strcmp(argv[1], "send") == 0;
    int keepalive = strcmp(argv[1], "keepalive") == 0;
    double seconds = atof(argv[4]);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[3]))};
    if (inet_pton(AF_INET, argv[2], &a.sin_addr) != 1) { fprintf(stderr, "bad address\n"); return 2; }
    /* Every blocking call gives up after 30 s without progress. */
    struct timeval tv = {.tv_sec = 30};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    double start = now();
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
    uint64_t total = 0;
    if (keepalive) {
        static const char req[] = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n";
        struct timeval two = {.tv_sec = 2};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &two, sizeof two);
        int stalled = 0;
        while (!stalled && now() - start < seconds) {
            if (write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1)) { perror("write"); return 1; }
            /* The server's response is 82 bytes and ends with the body "hello, world\n". */
            size_t got = 0;
            while (got < 13 || memcmp(buf + got - 13, "hello, world\n", 13) != 0) {
                ssize_t n = read(fd, buf + got, sizeof buf - got);
                if (n < 0 && errno == EINTR) continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) { stalled = 1; break; }
                if (n <= 0) { fprintf(stderr, "tcp_bulk: connection closed after %llu requests\n", (unsigned long long)total); return 1; }
                got += (size_t)n;
                if (got == sizeof buf) got = 0;
            }
            if (!stalled) total++;
        }
        printf("requests %llu stalled %d seconds %.3f\n", (unsigned long long)total, stalled, now() - start);
        return 0;
    }
    if (sending) {
        memset(buf, 'y', sizeof buf);
        while (now() - start < seconds) {
            ssize_t n = write(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) { perror("write"); return 1; }
        }
        shutdown(fd, SHUT_WR);
        unsigned char le[8];
        size_t got = 0;
        while (got < 8) {
            ssize_t n = read(fd, le + got, 8 - got);
            if (n <= 0) { fprintf(stderr, "tcp_bulk: no byte count from the sink\n"); return 1; }
            got += (size_t)n;
        }
        for (int i = 0; i < 8; i++) total |= (uint64_t)le[i] << (8 * i);
    } else {
        while (now() - start < seconds) {
            ssize_t n = read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) { perror("read"); return 1; }
            total += (uint64_t)n;
        }
    }
    double elapsed = now() - start;
    close(fd);
    printf("bytes %llu seconds %.3f MiB_per_s %.2f\n", (unsigned long long)total, elapsed,
           total / elapsed / 1048576.0);
    return 0;
}
