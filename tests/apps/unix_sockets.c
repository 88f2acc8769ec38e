/* unix_sockets.c: AF_UNIX and NETLINK_ROUTE sockets checked against Linux's results:
 * socketpair (stream, datagram, seqpacket), filesystem, abstract and automatic names, listen/
 * connect/accept and their errors, datagram sender addresses, message boundaries, shutdown with
 * EOF/EPIPE, SO_PEERCRED, SCM_RIGHTS, poll/epoll, FIONREAD, a netlink route dump and
 * getifaddrs(). One "ok <name>" line per check; exits 0 iff all pass. With the argument
 * --expect-en1 it also waits (up to ~5 s) for en1 to have 10.0.2.15, as in the VM. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#if __has_include(<linux/rtnetlink.h>)
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#else
/* musl-gcc has no kernel headers: the few netlink definitions used here, as Linux has them. */
#include <stdint.h>
#define NETLINK_ROUTE 0
#define NLM_F_REQUEST 0x1
#define NLM_F_DUMP 0x300
#define NLMSG_ERROR 0x2
#define NLMSG_DONE 0x3
#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define IFLA_IFNAME 3
struct sockaddr_nl {
    unsigned short nl_family;
    unsigned short nl_pad;
    uint32_t nl_pid;
    uint32_t nl_groups;
};
struct nlmsghdr {
    uint32_t nlmsg_len;
    uint16_t nlmsg_type;
    uint16_t nlmsg_flags;
    uint32_t nlmsg_seq;
    uint32_t nlmsg_pid;
};
struct nlmsgerr {
    int error;
    struct nlmsghdr msg;
};
struct ifinfomsg {
    unsigned char ifi_family;
    unsigned char __ifi_pad;
    unsigned short ifi_type;
    int ifi_index;
    unsigned ifi_flags;
    unsigned ifi_change;
};
struct rtattr {
    unsigned short rta_len;
    unsigned short rta_type;
};
#define NLMSG_ALIGN(len) (((len) + 3U) & ~3U)
#define NLMSG_HDRLEN ((int)NLMSG_ALIGN(sizeof(struct nlmsghdr)))
#define NLMSG_LENGTH(len) ((len) + NLMSG_HDRLEN)
#define NLMSG_DATA(h) ((void*)((char*)(h) + NLMSG_HDRLEN))
#define NLMSG_NEXT(h, len)                                                                         \
    ((len) -= NLMSG_ALIGN((h)->nlmsg_len),                                                         \
     (struct nlmsghdr*)((char*)(h) + NLMSG_ALIGN((h)->nlmsg_len)))
#define NLMSG_OK(h, len)                                                                           \
    ((len) >= (int)sizeof(struct nlmsghdr) && (h)->nlmsg_len >= sizeof(struct nlmsghdr) &&         \
     (h)->nlmsg_len <= (len))
#define NLMSG_PAYLOAD(h, len) ((h)->nlmsg_len - NLMSG_SPACE((len)))
#define NLMSG_SPACE(len) NLMSG_ALIGN(NLMSG_LENGTH(len))
#define RTA_ALIGN(len) (((len) + 3U) & ~3U)
#define RTA_OK(a, len)                                                                             \
    ((len) >= (int)sizeof(struct rtattr) && (a)->rta_len >= sizeof(struct rtattr) &&               \
     (a)->rta_len <= (len))
#define RTA_NEXT(a, len)                                                                           \
    ((len) -= RTA_ALIGN((a)->rta_len), (struct rtattr*)((char*)(a) + RTA_ALIGN((a)->rta_len)))
#define RTA_DATA(a) ((void*)((char*)(a) + RTA_ALIGN(sizeof(struct rtattr))))
#define IFLA_RTA(r) ((struct rtattr*)((char*)(r) + NLMSG_ALIGN(sizeof(struct ifinfomsg))))
#define IFLA_PAYLOAD(h) NLMSG_PAYLOAD(h, sizeof(struct ifinfomsg))
#endif
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int g_failures;

static void check(const char* name, int ok) {
    printf("%s %s\n", ok ? "ok" : "FAIL", name);
    if (!ok) {
        printf("  (errno %d: %s)\n", errno, strerror(errno));
        g_failures++;
    }
}

static socklen_t path_address(struct sockaddr_un* a, const char* path) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    strcpy(a->sun_path, path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static socklen_t abstract_address(struct sockaddr_un* a, const char* name) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    memcpy(a->sun_path + 1, name, strlen(name));
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

static void pairs(void) {
    int sv[2];
    char buffer[64];
    check("pair_stream", socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 &&
                             write(sv[0], "hello", 5) == 5 && read(sv[1], buffer, 64) == 5 &&
                             memcmp(buffer, "hello", 5) == 0 && write(sv[1], "back", 4) == 4 &&
                             read(sv[0], buffer, 64) == 4);

    struct sockaddr_un a;
    socklen_t length = sizeof a;
    check("pair_unnamed_names",
          getsockname(sv[0], (struct sockaddr*)&a, &length) == 0 && length == sizeof(sa_family_t) &&
              a.sun_family == AF_UNIX &&
              (length = sizeof a, getpeername(sv[0], (struct sockaddr*)&a, &length) == 0) &&
              length == sizeof(sa_family_t));

    struct ucred credentials;
    socklen_t credentials_length = sizeof credentials;
    check("peercred",
          getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &credentials, &credentials_length) == 0 &&
              credentials_length == sizeof credentials && credentials.pid == getpid() &&
              credentials.uid == getuid() && credentials.gid == getgid());

    int available = -1;
    write(sv[0], "12345", 5);
    write(sv[0], "6789012", 7);
    check("stream_fionread", ioctl(sv[1], FIONREAD, &available) == 0 && available == 12);
    check("stream_peek", recv(sv[1], buffer, 64, MSG_PEEK) == 12 &&
                             recv(sv[1], buffer, 64, 0) == 12 && memcmp(buffer, "12345", 5) == 0);

    /* Half-close: the peer reads EOF, our writes fail with EPIPE, the other way still works. */
    shutdown(sv[0], SHUT_WR);
    check("stream_shutdown_eof", read(sv[1], buffer, 64) == 0);
    errno = 0;
    check("stream_shutdown_epipe", write(sv[0], "x", 1) == -1 && errno == EPIPE);
    check("stream_shutdown_other_way", write(sv[1], "y", 1) == 1 && read(sv[0], buffer, 1) == 1);
    close(sv[1]);
    struct pollfd p = {sv[0], POLLIN | POLLOUT, 0};
    check("stream_closed_peer_pollhup", poll(&p, 1, 0) == 1 && (p.revents & POLLHUP));
    errno = 0;
    check("stream_closed_peer_epipe", send(sv[0], "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
    close(sv[0]);

    check("pair_dgram", socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0 &&
                            send(sv[0], "one", 3, 0) == 3 && send(sv[0], "three", 5, 0) == 5 &&
                            ioctl(sv[1], FIONREAD, &available) == 0 && available == 3 &&
                            recv(sv[1], buffer, 64, 0) == 3 && recv(sv[1], buffer, 2, 0) == 2);
    errno = 0;
    check("dgram_empty_eagain", recv(sv[1], buffer, 64, MSG_DONTWAIT) == -1 && errno == EAGAIN);
    send(sv[0], "truncated", 9, 0);
    struct iovec v = {buffer, 4};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    check("dgram_msg_trunc", recvmsg(sv[1], &m, 0) == 4 && (m.msg_flags & MSG_TRUNC));
    close(sv[0]);
    close(sv[1]);

    check("pair_seqpacket", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0 &&
                                send(sv[0], "0123456789", 10, 0) == 10 &&
                                send(sv[0], "abcdefghijklmnopqrst", 20, 0) == 20 &&
                                recv(sv[1], buffer, 64, 0) == 10 &&
                                recv(sv[1], buffer, 64, 0) == 20);
    send(sv[0], "0123456789", 10, 0);
    memset(&m, 0, sizeof m);
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    check("seqpacket_trunc", recvmsg(sv[1], &m, 0) == 4 && (m.msg_flags & MSG_TRUNC) &&
                                 recv(sv[1], buffer, 64, MSG_DONTWAIT) == -1 && errno == EAGAIN);
    close(sv[0]);
    check("seqpacket_eof", recv(sv[1], buffer, 64, 0) == 0);
    close(sv[1]);

    errno = 0;
    check("socketpair_inet_eopnotsupp",
          socketpair(AF_INET, SOCK_STREAM, 0, sv) == -1 && errno == EOPNOTSUPP);
}

static void* echo_accepted(void* arg) {
    int s = *(int*)arg;
    int c = accept(s, NULL, NULL);
    char buffer[4096];
    ssize_t n;
    while ((n = read(c, buffer, sizeof buffer)) > 0)
        write(c, buffer, (size_t)n);
    close(c);
    return NULL;
}

static void named(void) {
    const char* path = "/tmp/ops-unix-test.sock";
    unlink(path);
    struct sockaddr_un a, b;
    socklen_t length = path_address(&a, path);
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    check("bind_path", bind(server, (struct sockaddr*)&a, length) == 0);
    socklen_t got = sizeof b;
    check("bind_path_getsockname", getsockname(server, (struct sockaddr*)&b, &got) == 0 &&
                                       got == length && strcmp(b.sun_path, path) == 0);
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    errno = 0;
    check("bind_path_eaddrinuse",
          bind(other, (struct sockaddr*)&a, length) == -1 && errno == EADDRINUSE);
    errno = 0;
    check("connect_not_listening_refused",
          connect(other, (struct sockaddr*)&a, length) == -1 && errno == ECONNREFUSED);
    close(other);
    check("listen", listen(server, 4) == 0);

    pthread_t thread;
    pthread_create(&thread, NULL, echo_accepted, &server);
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    check("connect_path", connect(client, (struct sockaddr*)&a, length) == 0);
    got = sizeof b;
    check("connect_getpeername", getpeername(client, (struct sockaddr*)&b, &got) == 0 &&
                                     got == length && strcmp(b.sun_path, path) == 0);
    /* A megabyte through the echo thread: both directions fill and drain their buffers. */
    static char out[1 << 20], in[1 << 20];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (char)(i * 7);
    size_t sent = 0, received = 0;
    while (received < sizeof in) {
        if (sent < sizeof out) {
            ssize_t n = send(client, out + sent,
                             65536 < sizeof out - sent ? 65536 : sizeof out - sent, MSG_DONTWAIT);
            if (n > 0)
                sent += (size_t)n;
        }
        ssize_t n = recv(client, in + received, sizeof in - received, MSG_DONTWAIT);
        if (n > 0)
            received += (size_t)n;
        else if (n == 0)
            break;
        else {
            struct pollfd p = {client, POLLIN | (sent < sizeof out ? POLLOUT : 0), 0};
            poll(&p, 1, 1000);
        }
    }
    check("stream_echo_1MiB", received == sizeof in && memcmp(in, out, sizeof in) == 0);
    close(client);
    pthread_join(thread, NULL);

    /* accept() reports an unnamed client with just the family; the accepted socket has the
     * listener's name. */
    client = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(client, (struct sockaddr*)&a, length);
    got = sizeof b;
    int accepted = accept(server, (struct sockaddr*)&b, &got);
    check("accept_unnamed_peer", accepted >= 0 && got == sizeof(sa_family_t));
    got = sizeof b;
    check("accepted_getsockname", getsockname(accepted, (struct sockaddr*)&b, &got) == 0 &&
                                      got == length && strcmp(b.sun_path, path) == 0);
    close(accepted);
    close(client);

    fcntl(server, F_SETFL, O_NONBLOCK);
    errno = 0;
    check("accept_nonblocking_eagain", accept(server, NULL, NULL) == -1 && errno == EAGAIN);
    struct epoll_event event = {EPOLLIN, {0}};
    int epoll = epoll_create1(0);
    epoll_ctl(epoll, EPOLL_CTL_ADD, server, &event);
    check("epoll_listener_idle", epoll_wait(epoll, &event, 1, 0) == 0);
    client = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(client, (struct sockaddr*)&a, length);
    check("epoll_listener_ready", epoll_wait(epoll, &event, 1, 1000) == 1);
    close(epoll);
    accepted = accept(server, NULL, NULL);
    check("accept_after_epoll", accepted >= 0);
    close(accepted);
    close(client);
    close(server);
    unlink(path);

    /* A non-blocking connect finds the backlog full with EAGAIN (Linux admits backlog + 1). */
    struct sockaddr_un abstract;
    socklen_t abstract_length = abstract_address(&abstract, "ops-unix-test");
    server = socket(AF_UNIX, SOCK_STREAM, 0);
    check("bind_abstract", bind(server, (struct sockaddr*)&abstract, abstract_length) == 0 &&
                               listen(server, 1) == 0);
    got = sizeof b;
    check("abstract_getsockname", getsockname(server, (struct sockaddr*)&b, &got) == 0 &&
                                      got == abstract_length && b.sun_path[0] == 0 &&
                                      memcmp(b.sun_path + 1, "ops-unix-test", 13) == 0);
    int clients[4], connected = 0, last_errno = 0;
    for (int i = 0; i < 4; i++) {
        clients[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (connect(clients[i], (struct sockaddr*)&abstract, abstract_length) == 0)
            connected++;
        else
            last_errno = errno;
    }
    check("connect_backlog_full_eagain", connected == 2 && last_errno == EAGAIN);
    for (int i = 0; i < 4; i++)
        close(clients[i]);
    close(server);
    client = socket(AF_UNIX, SOCK_STREAM, 0);
    errno = 0;
    check("connect_abstract_gone_refused",
          connect(client, (struct sockaddr*)&abstract, abstract_length) == -1 &&
              errno == ECONNREFUSED);
    errno = 0;
    length = path_address(&a, "/tmp/ops-unix-test-missing.sock");
    check("connect_missing_path_enoent",
          connect(client, (struct sockaddr*)&a, length) == -1 && errno == ENOENT);
    close(client);

    /* An empty address binds an automatic abstract name: NUL and five hex digits. */
    int automatic = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un empty = {AF_UNIX, {0}};
    got = sizeof b;
    check("autobind", bind(automatic, (struct sockaddr*)&empty, sizeof(sa_family_t)) == 0 &&
                          getsockname(automatic, (struct sockaddr*)&b, &got) == 0 &&
                          got == offsetof(struct sockaddr_un, sun_path) + 6 && b.sun_path[0] == 0);

    /* Datagrams carry their sender's name; an unnamed sender has none. */
    int receiver = socket(AF_UNIX, SOCK_DGRAM, 0);
    length = path_address(&a, "/tmp/ops-unix-dgram.sock");
    unlink(a.sun_path);
    bind(receiver, (struct sockaddr*)&a, length);
    char buffer[64];
    socklen_t from_length = sizeof b;
    check("dgram_sender_address",
          sendto(automatic, "hi", 2, 0, (struct sockaddr*)&a, length) == 2 &&
              recvfrom(receiver, buffer, sizeof buffer, 0, (struct sockaddr*)&b, &from_length) ==
                  2 &&
              from_length == offsetof(struct sockaddr_un, sun_path) + 6 && b.sun_path[0] == 0);
    int anonymous = socket(AF_UNIX, SOCK_DGRAM, 0);
    from_length = sizeof b;
    check("dgram_unnamed_sender",
          sendto(anonymous, "yo", 2, 0, (struct sockaddr*)&a, length) == 2 &&
              recvfrom(receiver, buffer, sizeof buffer, 0, (struct sockaddr*)&b, &from_length) ==
                  2 &&
              from_length == 0);
    check("dgram_connect", connect(anonymous, (struct sockaddr*)&a, length) == 0 &&
                               send(anonymous, "c", 1, 0) == 1 &&
                               recv(receiver, buffer, sizeof buffer, 0) == 1);
    close(receiver);
    unlink(a.sun_path);
    errno = 0;
    check("dgram_peer_closed_refused", send(anonymous, "c", 1, 0) == -1 && errno == ECONNREFUSED);
    close(anonymous);
    close(automatic);
}

static int send_fd(int socket, int fd) {
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct iovec v = {"F", 1};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = sizeof control;
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return (int)sendmsg(socket, &m, 0);
}

/* The received descriptor, -1 when none, -2 when the control data was truncated. */
static int receive_fd(int socket, size_t control_size) {
    char control[256];
    char data;
    struct iovec v = {&data, 1};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = control_size;
    if (recvmsg(socket, &m, MSG_CMSG_CLOEXEC) != 1)
        return -1;
    if (m.msg_flags & MSG_CTRUNC)
        return -2;
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len != CMSG_LEN(sizeof(int)))
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

static void rights(void) {
    int types[2] = {SOCK_STREAM, SOCK_DGRAM};
    const char* names[2] = {"scm_rights_stream", "scm_rights_dgram"};
    for (int t = 0; t < 2; t++) {
        int sv[2], pipes[2];
        socketpair(AF_UNIX, types[t], 0, sv);
        pipe(pipes);
        int sent = send_fd(sv[0], pipes[0]);
        close(pipes[0]);
        int fd = receive_fd(sv[1], 256);
        char buffer[8] = {0};
        check(names[t], sent == 1 && fd >= 0 && write(pipes[1], "pipe", 4) == 4 &&
                            read(fd, buffer, sizeof buffer) == 4 &&
                            memcmp(buffer, "pipe", 4) == 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC));
        close(fd);
        close(pipes[1]);
        close(sv[0]);
        close(sv[1]);
    }
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    send_fd(sv[0], 0);
    check("scm_rights_ctrunc", receive_fd(sv[1], sizeof(struct cmsghdr)) == -2);
    errno = 0;
    check("scm_rights_ebadf", send_fd(sv[0], 999) == -1 && errno == EBADF);
    close(sv[0]);
    close(sv[1]);
}

/* Two descriptors at once, data after them not merged into the same read, MSG_PEEK handing out
 * copies, and credentials with SO_PASSCRED. */
static void more_rights(void) {
    int sv[2], pipes[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pipe(pipes);
    char control[CMSG_SPACE(2 * sizeof(int))];
    memset(control, 0, sizeof control);
    struct iovec v = {"AB", 2};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = sizeof control;
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(2 * sizeof(int));
    memcpy(CMSG_DATA(c), pipes, sizeof pipes);
    sendmsg(sv[0], &m, 0);
    write(sv[0], "CD", 2);
    char buffer[16];
    char received_control[256];
    struct iovec r = {buffer, sizeof buffer};
    memset(&m, 0, sizeof m);
    m.msg_iov = &r;
    m.msg_iovlen = 1;
    m.msg_control = received_control;
    m.msg_controllen = sizeof received_control;
    ssize_t peeked = recvmsg(sv[1], &m, MSG_PEEK);
    c = CMSG_FIRSTHDR(&m);
    int peek_fds[2] = {-1, -1};
    if (c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(2 * sizeof(int)))
        memcpy(peek_fds, CMSG_DATA(c), sizeof peek_fds);
    check("scm_rights_peek", peeked == 2 && peek_fds[0] >= 0 && peek_fds[1] >= 0);
    m.msg_controllen = sizeof received_control;
    ssize_t n = recvmsg(sv[1], &m, 0);
    c = CMSG_FIRSTHDR(&m);
    int fds[2] = {-1, -1};
    if (c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(2 * sizeof(int)))
        memcpy(fds, CMSG_DATA(c), sizeof fds);
    check("scm_rights_two_fds_end_read",
          n == 2 && fds[0] >= 0 && fds[1] >= 0 && write(fds[1], "z", 1) == 1 &&
              read(fds[0], buffer, 1) == 1 && buffer[0] == 'z' &&
              read(sv[1], buffer, sizeof buffer) == 2 && memcmp(buffer, "CD", 2) == 0);
    close(fds[0]);
    close(fds[1]);
    close(peek_fds[0]);
    close(peek_fds[1]);
    close(pipes[0]);
    close(pipes[1]);
    close(sv[0]);
    close(sv[1]);

    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    int one = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    send(sv[0], "x", 1, 0);
    memset(&m, 0, sizeof m);
    m.msg_iov = &r;
    m.msg_iovlen = 1;
    m.msg_control = received_control;
    m.msg_controllen = sizeof received_control;
    n = recvmsg(sv[1], &m, 0);
    c = CMSG_FIRSTHDR(&m);
    struct ucred credentials = {0, 1, 1};
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
        memcpy(&credentials, CMSG_DATA(c), sizeof credentials);
    check("so_passcred", n == 1 && credentials.pid == getpid() && credentials.uid == getuid() &&
                             credentials.gid == getgid());
    close(sv[0]);
    close(sv[1]);
}

/* Errors Linux gives for calls in the wrong state. */
static void states(void) {
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    errno = 0;
    check("listen_unbound_einval", listen(s, 1) == -1 && errno == EINVAL);
    struct sockaddr_un a;
    socklen_t length = abstract_address(&a, "ops-unix-states");
    errno = 0;
    check("bind_twice_einval", bind(s, (struct sockaddr*)&a, length) == 0 &&
                                   bind(s, (struct sockaddr*)&a, length) == -1 && errno == EINVAL);
    errno = 0;
    check("accept_not_listening_einval", accept(s, NULL, NULL) == -1 && errno == EINVAL);
    close(s);
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    errno = 0;
    check("dgram_listen_eopnotsupp", listen(d, 1) == -1 && errno == EOPNOTSUPP);
    errno = 0;
    check("dgram_send_unconnected_enotconn", send(d, "x", 1, 0) == -1 && errno == ENOTCONN);
    close(d);

    /* A socket connected elsewhere takes nothing from others. */
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    struct sockaddr_un b;
    socklen_t b_length = abstract_address(&b, "ops-unix-peer");
    int named = socket(AF_UNIX, SOCK_DGRAM, 0);
    bind(named, (struct sockaddr*)&b, b_length);
    int stranger = socket(AF_UNIX, SOCK_DGRAM, 0);
    int target = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un t;
    socklen_t t_length = abstract_address(&t, "ops-unix-target");
    bind(target, (struct sockaddr*)&t, t_length);
    connect(target, (struct sockaddr*)&b, b_length);
    errno = 0;
    check("dgram_connected_elsewhere_eperm",
          sendto(stranger, "x", 1, 0, (struct sockaddr*)&t, t_length) == -1 && errno == EPERM);
    close(target);
    close(stranger);
    close(named);
    close(sv[0]);
    close(sv[1]);

    /* Closing with unread data resets the connection for the peer. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[1], "unread", 6);
    close(sv[0]);
    char buffer[8];
    errno = 0;
    check("close_unread_econnreset", read(sv[1], buffer, sizeof buffer) == -1 &&
                                         errno == ECONNRESET &&
                                         read(sv[1], buffer, sizeof buffer) == 0);
    close(sv[1]);

    /* SEQPACKET through listen/accept keeps message boundaries. */
    int server = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    length = abstract_address(&a, "ops-unix-seqpacket");
    bind(server, (struct sockaddr*)&a, length);
    listen(server, 4);
    int client = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    connect(client, (struct sockaddr*)&a, length);
    int accepted = accept(server, NULL, NULL);
    errno = 0;
    check("seqpacket_accept",
          accepted >= 0 && send(client, "abc", 3, 0) == 3 && send(client, "de", 2, 0) == 2 &&
              recv(accepted, buffer, sizeof buffer, 0) == 3 &&
              recv(accepted, buffer, sizeof buffer, 0) == 2 &&
              connect(client, (struct sockaddr*)&a, length) == -1 && errno == EISCONN);
    close(accepted);
    close(client);
    close(server);
    volatile uintptr_t unmapped = 8; /* hidden from the compiler's bounds warnings */
    errno = 0;
    check("socketpair_efault",
          socketpair(AF_UNIX, SOCK_STREAM, 0, (int*)unmapped) == -1 && errno == EFAULT);
}

static void readiness(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
    struct pollfd p = {sv[1], POLLIN, 0};
    check("poll_idle", poll(&p, 1, 0) == 0);
    write(sv[0], "x", 1);
    check("poll_readable", poll(&p, 1, 0) == 1 && (p.revents & POLLIN));
    /* Fill the buffer: a non-blocking writer gets EAGAIN and is not writable. */
    static char chunk[65536];
    size_t total = 0;
    ssize_t n;
    while ((n = write(sv[0], chunk, sizeof chunk)) > 0)
        total += (size_t)n;
    int full_errno = errno;
    p.fd = sv[0];
    p.events = POLLOUT;
    check("stream_full_eagain",
          n == -1 && full_errno == EAGAIN && total >= 65536 && poll(&p, 1, 0) == 0);
    int epoll = epoll_create1(0);
    struct epoll_event event = {EPOLLOUT, {0}};
    epoll_ctl(epoll, EPOLL_CTL_ADD, sv[0], &event);
    check("epoll_not_writable_when_full", epoll_wait(epoll, &event, 1, 0) == 0);
    /* Draining makes it writable again. */
    char sink[65536];
    while (read(sv[1], sink, sizeof sink) > 0) {
    }
    check("epoll_writable_after_drain", epoll_wait(epoll, &event, 1, 1000) == 1);
    close(epoll);
    close(sv[0]);
    close(sv[1]);
}

/* A NETLINK_ROUTE dump of links: lo must be there with index 1. */
static void netlink(void) {
    int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    struct sockaddr_nl local = {AF_NETLINK, 0, 0, 0};
    socklen_t length = sizeof local;
    check("netlink_bind", s >= 0 && bind(s, (struct sockaddr*)&local, sizeof local) == 0 &&
                              getsockname(s, (struct sockaddr*)&local, &length) == 0 &&
                              length == sizeof local && local.nl_pid != 0);
    struct {
        struct nlmsghdr header;
        struct ifinfomsg body;
    } request;
    memset(&request, 0, sizeof request);
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = RTM_GETLINK;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = 42;
    struct sockaddr_nl kernel = {AF_NETLINK, 0, 0, 0};
    sendto(s, &request, sizeof request, 0, (struct sockaddr*)&kernel, sizeof kernel);
    static char buffer[65536];
    ssize_t n;
    int found_lo = 0, done = 0, bad = 0;
    while (!done && !bad) {
        struct sockaddr_nl from;
        socklen_t from_length = sizeof from;
        n = recvfrom(s, buffer, sizeof buffer, 0, (struct sockaddr*)&from, &from_length);
        if (n <= 0 || from.nl_pid != 0)
            break;
        for (struct nlmsghdr* h = (struct nlmsghdr*)buffer; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != 42 || h->nlmsg_pid != local.nl_pid)
                bad = 1;
            if (h->nlmsg_type == NLMSG_DONE) {
                done = 1;
                break;
            }
            if (h->nlmsg_type != RTM_NEWLINK) {
                bad = 1;
                break;
            }
            struct ifinfomsg* info = NLMSG_DATA(h);
            int attributes_length = (int)IFLA_PAYLOAD(h);
            for (struct rtattr* a = IFLA_RTA(info); RTA_OK(a, attributes_length);
                 a = RTA_NEXT(a, attributes_length))
                if (a->rta_type == IFLA_IFNAME && strcmp(RTA_DATA(a), "lo") == 0 &&
                    info->ifi_index == 1 && (info->ifi_flags & IFF_LOOPBACK) &&
                    (info->ifi_flags & IFF_UP))
                    found_lo = 1;
        }
    }
    check("netlink_getlink_dump", done && !bad && found_lo);

    /* A request Linux does not know gets NLMSG_ERROR with -EOPNOTSUPP. */
    request.header.nlmsg_type = 0x3ff;
    request.header.nlmsg_flags = NLM_F_REQUEST;
    request.header.nlmsg_seq = 43;
    send(s, &request, sizeof request, 0);
    n = recv(s, buffer, sizeof buffer, 0);
    struct nlmsghdr* h = (struct nlmsghdr*)buffer;
    struct nlmsgerr* error = NLMSG_DATA(h);
    check("netlink_unknown_eopnotsupp", n > 0 && h->nlmsg_type == NLMSG_ERROR &&
                                            h->nlmsg_seq == 43 && error->error == -EOPNOTSUPP);
    close(s);
}

static int has_address(struct ifaddrs* list, const char* name, const char* text) {
    for (struct ifaddrs* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || strcmp(i->ifa_name, name) != 0)
            continue;
        char got[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &((struct sockaddr_in*)i->ifa_addr)->sin_addr, got, sizeof got);
        if (strcmp(got, text) == 0)
            return 1;
    }
    return 0;
}

static void interfaces(int expect_en1) {
    struct ifaddrs* list = NULL;
    int ok = 0;
    /* DHCP may still be running: look again for up to about five seconds. */
    for (int attempt = 0; attempt < 50; attempt++) {
        if (getifaddrs(&list) != 0)
            break;
        ok = has_address(list, "lo", "127.0.0.1") &&
             (!expect_en1 || has_address(list, "en1", "10.0.2.15"));
        if (ok)
            break;
        freeifaddrs(list);
        list = NULL;
        struct timespec pause = {0, 100 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    for (struct ifaddrs* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr ||
            (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
            continue;
        char text[INET6_ADDRSTRLEN];
        const void* address = i->ifa_addr->sa_family == AF_INET
                                  ? (const void*)&((struct sockaddr_in*)i->ifa_addr)->sin_addr
                                  : (const void*)&((struct sockaddr_in6*)i->ifa_addr)->sin6_addr;
        inet_ntop(i->ifa_addr->sa_family, address, text, sizeof text);
        printf("  interface %s %s flags 0x%x\n", i->ifa_name, text, i->ifa_flags);
    }
    check("getifaddrs_lo", ok || has_address(list, "lo", "127.0.0.1"));
    if (expect_en1)
        check("getifaddrs_en1", ok);
    if (list)
        freeifaddrs(list);
    check("if_nametoindex_lo", if_nametoindex("lo") == 1);
}

int main(int argc, char** argv) {
    signal(SIGPIPE, SIG_IGN);
    int expect_en1 = argc > 1 && strcmp(argv[1], "--expect-en1") == 0;
    pairs();
    named();
    rights();
    more_rights();
    states();
    readiness();
    netlink();
    interfaces(expect_en1);
    printf("unix_sockets: %d failures\n", g_failures);
    return g_failures ? 1 : 0;
}
