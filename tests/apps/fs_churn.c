/* fs_churn.c: many small changes to one file, so the root filesystem's log must be compacted
 * (tfs.md 4.6). The first boot (no /churn/state) rewrites /churn/tmp, renames it over
 * /churn/current and creates and unlinks /churn/extra, ITERATIONS times, then prints
 * "phase churn". A later boot of the same image checks the final state: "phase check" and
 * "ok <check>" / "FAIL <check>" lines. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ITERATIONS 6000

static int g_failures;

static void report(const char* check, int ok) {
    if (ok) {
        printf("ok %s\n", check);
    } else {
        printf("FAIL %s (errno %d %s)\n", check, errno, strerror(errno));
        g_failures++;
    }
}

static int write_all(const char* path, const char* data, size_t size) {
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return -1;
    }
    return close(fd);
}

static int content_is(const char* path, const char* data) {
    char buffer[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buffer, sizeof buffer);
    close(fd);
    return n == (ssize_t)strlen(data) && memcmp(buffer, data, (size_t)n) == 0;
}

static void churn(void) {
    printf("phase churn\n");
    if (mkdir("/churn", 0755) != 0 || write_all("/churn/keep", "kept", 4) != 0) {
        report("setup", 0);
        return;
    }
    char text[64];
    for (int i = 0; i < ITERATIONS; i++) {
        int n = snprintf(text, sizeof text, "version %d", i);
        if (write_all("/churn/tmp", text, (size_t)n) != 0 ||
            rename("/churn/tmp", "/churn/current") != 0) {
            printf("FAIL rewrite %d (errno %d %s)\n", i, errno, strerror(errno));
            g_failures++;
            return;
        }
        if (i % 10 == 0 &&
            (write_all("/churn/extra", text, (size_t)n) != 0 || unlink("/churn/extra") != 0)) {
            printf("FAIL extra %d (errno %d %s)\n", i, errno, strerror(errno));
            g_failures++;
            return;
        }
    }
    report("rewrites", 1);
    report("state", write_all("/churn/state", "done", 4) == 0);
}

static void check(void) {
    printf("phase check\n");
    char want[64];
    snprintf(want, sizeof want, "version %d", ITERATIONS - 1);
    report("current", content_is("/churn/current", want));
    report("keep", content_is("/churn/keep", "kept"));
    struct stat st;
    report("tmp gone", stat("/churn/tmp", &st) != 0 && errno == ENOENT);
    report("extra gone", stat("/churn/extra", &st) != 0 && errno == ENOENT);
}

int main(void) {
    struct stat st;
    if (stat("/churn/state", &st) == 0)
        check();
    else
        churn();
    printf("PASSED: %d failures\n", g_failures);
    return g_failures ? 1 : 0;
}
