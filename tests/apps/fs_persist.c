/* fs_persist.c: files written in one boot and read in the next. The first boot (no
 * /persist/state yet) writes a tree and prints "phase write"; a later boot of the same image
 * finds it and checks every file, printing "phase check" and "ok <check>" / "FAIL <check>" lines.
 * Some changes are fsynced, the others must reach the disk when the program exits. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int g_failures;
static char g_data[200000];

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
    if (fd < 0 || write(fd, data, size) != (ssize_t)size)
        return -1;
    return close(fd);
}

static int content_is(const char* path, const char* data, size_t size) {
    static char buffer[sizeof g_data + 1];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buffer, sizeof buffer);
    close(fd);
    return n == (ssize_t)size && memcmp(buffer, data, size) == 0;
}

static void write_phase(void) {
    printf("phase write\n");
    report("mkdir", mkdir("/persist", 0755) == 0 && mkdir("/persist/sub", 0755) == 0);
    report("big file", write_all("/persist/sub/data", g_data, sizeof g_data) == 0);
    int fd = open("/persist/synced", O_CREAT | O_WRONLY, 0644);
    report("fsynced file", write(fd, "synced", 6) == 6 && fsync(fd) == 0 && close(fd) == 0);
    report("symlink", symlink("sub/data", "/persist/link") == 0);
    report("rename", write_all("/persist/tmp", "renamed", 7) == 0 &&
                         rename("/persist/tmp", "/persist/renamed") == 0);
    report("hard link", link("/persist/renamed", "/persist/hard") == 0);
    report("unlink", write_all("/persist/gone", "x", 1) == 0 && unlink("/persist/gone") == 0);
    report("truncate", write_all("/persist/short", "0123456789", 10) == 0 &&
                           truncate("/persist/short", 4) == 0);
    fd = open("/persist/allocated", O_CREAT | O_WRONLY, 0644);
    report("fallocate",
           fallocate(fd, 0, 0, 100000) == 0 && pwrite(fd, "end", 3, 99997) == 3 && close(fd) == 0);
    struct timespec ts[2] = {{1111111111, 0}, {1222222222, 500000000}};
    report("utimensat", utimensat(AT_FDCWD, "/persist/renamed", ts, 0) == 0);
    report("state", write_all("/persist/state", "written", 7) == 0);
}

static void check_phase(void) {
    printf("phase check\n");
    struct stat st;
    report("state", content_is("/persist/state", "written", 7));
    report("big file", content_is("/persist/sub/data", g_data, sizeof g_data));
    report("fsynced file", content_is("/persist/synced", "synced", 6));
    char target[64] = {0};
    report("symlink", readlink("/persist/link", target, sizeof target) == 8 &&
                          strcmp(target, "sub/data") == 0 &&
                          content_is("/persist/link", g_data, sizeof g_data));
    report("rename", content_is("/persist/renamed", "renamed", 7) &&
                         stat("/persist/tmp", &st) == -1 && errno == ENOENT);
    struct stat a, b;
    report("hard link", stat("/persist/renamed", &a) == 0 && stat("/persist/hard", &b) == 0 &&
                            a.st_ino == b.st_ino && a.st_nlink == 2);
    report("unlink", stat("/persist/gone", &st) == -1 && errno == ENOENT);
    report("truncate", content_is("/persist/short", "0123", 4));
    static char allocated[100000];
    memcpy(allocated + 99997, "end", 3);
    report("fallocate", content_is("/persist/allocated", allocated, sizeof allocated) &&
                            stat("/persist/allocated", &st) == 0 && st.st_blocks >= 196);
    report("utimensat", stat("/persist/renamed", &st) == 0 && st.st_mtim.tv_sec == 1222222222 &&
                            st.st_mtim.tv_nsec / 1000000 == 500);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t i = 0; i < sizeof g_data; i++)
        g_data[i] = (char)(i * 31 + i / 512);
    struct stat st;
    if (stat("/persist/state", &st) == 0)
        check_phase();
    else
        write_phase();
    printf("%s: %d failures\n", g_failures ? "FAILED" : "PASSED", g_failures);
    return g_failures ? 1 : 0;
}
