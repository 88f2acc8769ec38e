/* sockets.c: TCP and UDP sockets inside the VM over the loopback interface, and their edge
 * cases, checked against Linux's results: an echo exchange between threads, getsockname and
 * getpeername, MSG_PEEK and FIONREAD, half-close, a refused connect (blocking, and non-blocking
 * with SO_ERROR), accept4 with EAGAIN, a reset peer, poll/epoll readiness, UDP datagrams with
 * sender addresses and MSG_TRUNC, IPv6 loopback. One "ok <name>" line per check; exits 0 iff
 * all pass. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static int g_failures;

static void check(const char* name, int ok) {
    printf("%s %s\n", ok ? "ok" : "FAIL", name);
    if (!ok) {
        printf("  (errno %d: %s)\n", errno, strerror(errno));
        g_failures++;
    }
}

static struct sockaddr_in loopback(unsigned short port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* A listening socket on 127.0.0.1 with a kernel-chosen port. */
static int listener(unsigned short* port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = loopback(0);
    if (bind(s, (struct sockaddr*)&a, sizeof a) != 0 || listen(s, 16) != 0)
        return -1;
    socklen_t length = sizeof a;
    getsockname(s, (struct sockaddr*)&a, &length);
    *port = ntohs(a.sin_port);
    return s;
}

static void* echo_server(void* arg) {
    int s = *(int*)arg;
    int c = accept(s, NULL, NULL);
    char buffer[65536];
    ssize_t n;
    while ((n = read(c, buffer, sizeof buffer)) > 0) {
        ssize_t done = 0;
        while (done < n) {
            ssize_t w = write(c, buffer + done, n - done);
            if (w <= 0)
                break;
            done += w;
        }
    }
    close(c);
    return NULL;
}

static void tcp_echo(void) {
    unsigned short port;
    int s = listener(&port);
    check("tcp_listen", s >= 0 && port != 0);
    pthread_t thread;
    pthread_create(&thread, NULL, echo_server, &s);

    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(port);
    check("tcp_connect", connect(c, (struct sockaddr*)&a, sizeof a) == 0);
    int one = 1;
    check("tcp_nodelay", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);

    struct sockaddr_in local, peer;
    socklen_t length = sizeof local;
    getsockname(c, (struct sockaddr*)&local, &length);
    length = sizeof peer;
    getpeername(c, (struct sockaddr*)&peer, &length);
    check("tcp_names", local.sin_family == AF_INET && ntohs(local.sin_port) != 0 &&
                           ntohs(peer.sin_port) == port &&
                           peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));

    /* 1 MiB through the echo server, checked byte for byte. */
    enum { TOTAL = 1 << 20 };
    unsigned char* out = malloc(TOTAL);
    unsigned char* in = malloc(TOTAL);
    for (int i = 0; i < TOTAL; i++)
        out[i] = (unsigned char)(i * 7 + i / 251);
    size_t sent = 0, received = 0;
    while (received < TOTAL) {
        if (sent < TOTAL) {
            ssize_t w = send(c, out + sent, sent + 65536 > TOTAL ? TOTAL - sent : 65536, 0);
            if (w <= 0)
                break;
            sent += (size_t)w;
        }
        ssize_t r = recv(c, in + received, TOTAL - received, sent < TOTAL ? MSG_DONTWAIT : 0);
        if (r == 0 || (r < 0 && errno != EAGAIN))
            break;
        if (r > 0)
            received += (size_t)r;
    }
    check("tcp_echo_1MiB", received == TOTAL && memcmp(in, out, TOTAL) == 0);

    /* MSG_PEEK and FIONREAD see the same bytes a read then takes. */
    send(c, "peekaboo", 8, 0);
    char peeked[8];
    ssize_t p = 0;
    for (int tries = 0; tries < 100 && p < 8; tries++)
        p = recv(c, peeked, 8, MSG_PEEK | MSG_WAITALL);
    int available = 0;
    ioctl(c, FIONREAD, &available);
    char taken[8];
    ssize_t t = recv(c, taken, 8, MSG_WAITALL);
    check("tcp_peek_fionread", p == 8 && available == 8 && t == 8 && memcmp(peeked, taken, 8) == 0 &&
                                   memcmp(taken, "peekaboo", 8) == 0);

    /* writev/readv. */
    struct iovec parts[2] = {{"hello ", 6}, {"world", 5}};
    ssize_t wv = writev(c, parts, 2);
    char first[6], second[5];
    struct iovec into[2] = {{first, 6}, {second, 5}};
    ssize_t rv = 0;
    while (rv < 11) {
        ssize_t n = readv(c, into, 2);
        if (n <= 0)
            break;
        rv += n;
        if (rv < 11) { /* rare: arrived in two segments; collect the rest in place */
            size_t skip = (size_t)n;
            if (skip < 6) {
                into[0].iov_base = first + skip;
                into[0].iov_len = 6 - skip;
            } else {
                into[0].iov_len = 0;
                into[1].iov_base = second + (skip - 6);
                into[1].iov_len = 11 - skip;
            }
        }
    }
    check("tcp_writev_readv", wv == 11 && rv == 11 && memcmp(first, "hello ", 6) == 0 &&
                                  memcmp(second, "world", 5) == 0);

    /* Half-close: after shutdown(SHUT_WR) the server sees EOF, closes, and we read EOF. */
    check("tcp_shutdown_wr", shutdown(c, SHUT_WR) == 0);
    char rest[16];
    check("tcp_eof_after_half_close", read(c, rest, sizeof rest) == 0);
    check("tcp_write_after_shutdown_epipe",
          send(c, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
    pthread_join(thread, NULL);
    close(c);
    close(s);
    free(out);
    free(in);
}

static void tcp_refused(void) {
    unsigned short port;
    int s = listener(&port);
    close(s); /* nothing listens on `port` now */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(port);
    check("tcp_connect_refused", connect(c, (struct sockaddr*)&a, sizeof a) == -1 &&
                                     errno == ECONNREFUSED);
    close(c);

    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(c, (struct sockaddr*)&a, sizeof a);
    check("tcp_connect_nonblocking_einprogress", r == -1 && errno == EINPROGRESS);
    struct pollfd pfd = {c, POLLOUT, 0};
    poll(&pfd, 1, 2000);
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(c, SOL_SOCKET, SO_ERROR, &error, &length);
    check("tcp_so_error_refused", error == ECONNREFUSED && (pfd.revents & (POLLERR | POLLHUP)));
    error = -1;
    getsockopt(c, SOL_SOCKET, SO_ERROR, &error, &length);
    check("tcp_so_error_cleared", error == 0);
    close(c);
}

static void tcp_accept_nonblocking_and_reset(void) {
    unsigned short port;
    int s = listener(&port);
    fcntl(s, F_SETFL, O_NONBLOCK);
    check("tcp_accept_eagain", accept4(s, NULL, NULL, SOCK_CLOEXEC) == -1 && errno == EAGAIN);

    int c = socket(AF_INET, SOCK_STREAM, 0);
    int segment = 536, too_small = 10;
    check("tcp_maxseg_bounds",
          setsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &too_small, sizeof too_small) == -1 &&
              errno == EINVAL &&
              setsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &segment, sizeof segment) == 0);
    struct sockaddr_in a = loopback(port);
    connect(c, (struct sockaddr*)&a, sizeof a);
    int effective = 0;
    socklen_t effective_length = sizeof effective;
    getsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &effective, &effective_length);
    check("tcp_maxseg_applies", effective > 0 && effective <= 536);
    struct pollfd pfd = {s, POLLIN, 0};
    check("tcp_listener_readable", poll(&pfd, 1, 2000) == 1 && (pfd.revents & POLLIN));
    struct sockaddr_in peer;
    socklen_t length = sizeof peer;
    int server = accept4(s, (struct sockaddr*)&peer, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    check("tcp_accept4_flags", server >= 0 && (fcntl(server, F_GETFL) & O_NONBLOCK) &&
                                   (fcntl(server, F_GETFD) & FD_CLOEXEC) &&
                                   peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    char byte;
    check("tcp_read_nonblocking_eagain", read(server, &byte, 1) == -1 && errno == EAGAIN);

    /* epoll sees data arrive. */
    int ep = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.fd = server};
    epoll_ctl(ep, EPOLL_CTL_ADD, server, &event);
    write(c, "z", 1);
    struct epoll_event got;
    check("tcp_epoll_in", epoll_wait(ep, &got, 1, 2000) == 1 && got.data.fd == server &&
                              (got.events & EPOLLIN));
    close(ep);

    /* Closing with unread data resets the connection: the peer sees ECONNRESET. */
    struct linger hard = {1, 0};
    setsockopt(c, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close(c);
    pfd.fd = server;
    pfd.events = POLLIN;
    poll(&pfd, 1, 2000);
    char buffer[8];
    ssize_t n = read(server, buffer, sizeof buffer);
    /* "z" may still be delivered first; then the reset. */
    if (n == 1) {
        poll(&pfd, 1, 2000);
        n = read(server, buffer, sizeof buffer);
    }
    check("tcp_reset_peer", n == -1 && errno == ECONNRESET);
    close(server);
    close(s);
}

static void udp(void) {
    int a = socket(AF_INET, SOCK_DGRAM, 0);
    int b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in address = loopback(0);
    bind(a, (struct sockaddr*)&address, sizeof address);
    socklen_t length = sizeof address;
    getsockname(a, (struct sockaddr*)&address, &length);
    ssize_t sent = sendto(b, "datagram-one", 12, 0, (struct sockaddr*)&address, sizeof address);
    struct sockaddr_in from;
    length = sizeof from;
    char buffer[64];
    ssize_t got = recvfrom(a, buffer, sizeof buffer, 0, (struct sockaddr*)&from, &length);
    struct sockaddr_in b_address;
    socklen_t b_length = sizeof b_address;
    getsockname(b, (struct sockaddr*)&b_address, &b_length);
    check("udp_sendto_recvfrom", sent == 12 && got == 12 && memcmp(buffer, "datagram-one", 12) == 0 &&
                                     from.sin_port == b_address.sin_port);

    sendto(b, "0123456789", 10, 0, (struct sockaddr*)&address, sizeof address);
    char small[4];
    got = recv(a, small, sizeof small, MSG_TRUNC);
    check("udp_msg_trunc", got == 10 && memcmp(small, "0123", 4) == 0);

    check("udp_connect", connect(b, (struct sockaddr*)&address, sizeof address) == 0);
    send(b, "connected", 9, 0);
    struct msghdr message;
    struct iovec vector = {buffer, sizeof buffer};
    memset(&message, 0, sizeof message);
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    got = recvmsg(a, &message, 0);
    check("udp_recvmsg", got == 9 && memcmp(buffer, "connected", 9) == 0 &&
                             message.msg_namelen == sizeof from && from.sin_port == b_address.sin_port);
    /* recvmmsg checks its timeout after each datagram: an expired one stops after the first. */
    sendto(b, "m1", 2, 0, (struct sockaddr*)&address, sizeof address);
    sendto(b, "m2", 2, 0, (struct sockaddr*)&address, sizeof address);
    char m1[8], m2[8];
    struct iovec v1 = {m1, sizeof m1}, v2 = {m2, sizeof m2};
    struct mmsghdr batch[2];
    memset(batch, 0, sizeof batch);
    batch[0].msg_hdr.msg_iov = &v1;
    batch[0].msg_hdr.msg_iovlen = 1;
    batch[1].msg_hdr.msg_iov = &v2;
    batch[1].msg_hdr.msg_iovlen = 1;
    struct timespec expired = {0, 0};
    int first = recvmmsg(a, batch, 2, 0, &expired);
    int second = recvmmsg(a, batch + 1, 1, MSG_DONTWAIT, NULL);
    check("udp_recvmmsg_timeout", first == 1 && batch[0].msg_len == 2 && memcmp(m1, "m1", 2) == 0 &&
                                      second == 1 && memcmp(m2, "m2", 2) == 0);
    check("udp_nothing_eagain", recv(a, buffer, sizeof buffer, MSG_DONTWAIT) == -1 && errno == EAGAIN);
    close(a);
    close(b);
}

static void ipv6(void) {
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_any;
    int bound = bind(s, (struct sockaddr*)&a, sizeof a);
    int listening = listen(s, 4);
    socklen_t length = sizeof a;
    getsockname(s, (struct sockaddr*)&a, &length);
    check("ipv6_dual_stack_listen", bound == 0 && listening == 0 && a.sin6_port != 0);

    /* An IPv4 client reaches the [::] listener; the server sees a v4-mapped peer. */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in v4 = loopback(ntohs(a.sin6_port));
    int connected = connect(c, (struct sockaddr*)&v4, sizeof v4);
    struct sockaddr_in6 peer;
    length = sizeof peer;
    int server = accept(s, (struct sockaddr*)&peer, &length);
    check("ipv6_v4_mapped_peer", connected == 0 && server >= 0 && peer.sin6_family == AF_INET6 &&
                                     IN6_IS_ADDR_V4MAPPED(&peer.sin6_addr));
    close(server);
    close(c);

    /* IPv6 loopback itself. */
    int c6 = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 target = a;
    target.sin6_addr = in6addr_loopback;
    connected = connect(c6, (struct sockaddr*)&target, sizeof target);
    server = accept(s, NULL, NULL);
    write(c6, "six", 3);
    char buffer[4] = {0};
    check("ipv6_loopback", connected == 0 && server >= 0 && read(server, buffer, 3) == 3 &&
                               strcmp(buffer, "six") == 0);
    close(server);
    close(c6);
    close(s);
}

/* Edge-triggered epoll reports each new connection or write even though the program drained
 * the previous one (to EAGAIN) without an epoll_wait in between: the level never dropped. */
static void epoll_edge_after_drain(void) {
    unsigned short port;
    int s = listener(&port);
    fcntl(s, F_SETFL, O_NONBLOCK);
    int ep = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN | EPOLLET, .data.fd = s};
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &event);
    int reported = 0, clients[3];
    for (int round = 0; round < 3; round++) {
        clients[round] = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = loopback(port);
        connect(clients[round], (struct sockaddr*)&a, sizeof a);
        struct epoll_event got;
        if (epoll_wait(ep, &got, 1, 2000) == 1)
            reported++;
        int c;
        while ((c = accept(s, NULL, NULL)) >= 0)
            close(c);
    }
    check("epoll_edge_each_connection", reported == 3);
    for (int i = 0; i < 3; i++)
        close(clients[i]);
    close(s);

    int p[2];
    pipe2(p, O_NONBLOCK);
    event.data.fd = p[0];
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &event);
    reported = 0;
    for (int round = 0; round < 3; round++) {
        write(p[1], "x", 1);
        struct epoll_event got;
        if (epoll_wait(ep, &got, 1, 2000) == 1)
            reported++;
        char byte;
        while (read(p[0], &byte, 1) == 1) {
        }
    }
    check("epoll_edge_each_pipe_write", reported == 3);
    close(p[0]);
    close(p[1]);
    close(ep);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    check("socket_bad_family", socket(12345, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT);
    check("not_a_socket", listen(1, 1) == -1 && errno == ENOTSOCK);
    tcp_echo();
    tcp_refused();
    tcp_accept_nonblocking_and_reset();
    udp();
    ipv6();
    epoll_edge_after_drain();
    printf("sockets: %d failures\n", g_failures);
    return g_failures ? 1 : 0;
}
