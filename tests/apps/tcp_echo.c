/* tcp_echo.c: a TCP echo server for host-side tests. Listens on the port given as argv[1]
 * (default 7000) on every address, prints "listening", serves each connection in its own thread
 * (echoing every byte until the peer half-closes) and exits 0 after argv[2] connections
 * (default 1). UDP: with argv[3] = "udp" it echoes datagrams on the same port instead, exiting
 * after argv[2] datagrams. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void* serve(void* arg) {
    int c = (int)(long)arg;
    static char buffer[256 * 1024];
    char* own = malloc(sizeof buffer);
    unsigned long long total = 0;
    ssize_t n;
    while ((n = read(c, own, sizeof buffer)) > 0) {
        ssize_t done = 0;
        while (done < n) {
            ssize_t w = write(c, own + done, (size_t)(n - done));
            if (w <= 0) {
                perror("write");
                goto out;
            }
            done += w;
        }
        total += (unsigned long long)n;
    }
out:
    printf("connection done: %llu bytes\n", total);
    fflush(stdout);
    close(c);
    free(own);
    return NULL;
}

int main(int argc, char** argv) {
    int port = argc > 1 ? atoi(argv[1]) : 7000;
    int count = argc > 2 ? atoi(argv[2]) : 1;
    int udp = argc > 3 && strcmp(argv[3], "udp") == 0;
    int s = socket(AF_INET6, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
    int zero = 0, one = 1;
    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons((unsigned short)port);
    if (bind(s, (struct sockaddr*)&a, sizeof a) != 0 || (!udp && listen(s, 64) != 0)) {
        perror("bind/listen");
        return 1;
    }
    printf("listening on %s port %d\n", udp ? "udp" : "tcp", port);
    fflush(stdout);
    if (udp) {
        char buffer[65536];
        for (int i = 0; i < count; i++) {
            struct sockaddr_in6 from;
            socklen_t length = sizeof from;
            ssize_t n = recvfrom(s, buffer, sizeof buffer, 0, (struct sockaddr*)&from, &length);
            if (n < 0 || sendto(s, buffer, (size_t)n, 0, (struct sockaddr*)&from, length) != n) {
                perror("udp echo");
                return 1;
            }
        }
        printf("echoed %d datagrams\n", count);
        return 0;
    }
    pthread_t threads[64];
    for (int i = 0; i < count && i < 64; i++) {
        int c = accept(s, NULL, NULL);
        if (c < 0) {
            perror("accept");
            return 1;
        }
        pthread_create(&threads[i], NULL, serve, (void*)(long)c);
    }
    for (int i = 0; i < count && i < 64; i++)
        pthread_join(threads[i], NULL);
    return 0;
}
