/* read_file.c: file syscalls on a file shipped into the image. Prints the contents of argv[1]
 * verbatim, then one "ok <check>" or "FAIL <check>: <detail>" line for each of fstat, lseek,
 * pread and getdents64 (on the file's directory), and exits 0 iff nothing failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int g_failures;

static void report(const char* check, int ok, const char* detail) {
    if (ok) {
        printf("ok %s\n", check);
    } else {
        printf("FAIL %s: %s\n", check, detail);
        g_failures++;
    }
}

/* The kernel's layout of a getdents64 record (glibc only declares it behind _GNU_SOURCE, and
 * musl not at all). */
struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static int directory_lists(const char* dir, const char* name, char* detail, size_t size) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        snprintf(detail, size, "open(%.200s) errno %d", dir, errno);
        return 0;
    }
    char buf[4096];
    int found = 0;
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
        if (n < 0) {
            snprintf(detail, size, "getdents64 errno %d", errno);
            close(fd);
            return 0;
        }
        if (n == 0)
            break;
        for (long off = 0; off < n;) {
            struct linux_dirent64* d = (struct linux_dirent64*)(buf + off);
            if (strcmp(d->d_name, name) == 0)
                found = 1;
            off += d->d_reclen;
        }
    }
    close(fd);
    if (!found)
        snprintf(detail, size, "%.100s not listed in %.100s", name, dir);
    return found;
}

int main(int argc, char** argv) {
    if (argc < 2) {
        printf("FAIL usage: read_file <path>\n");
        return 2;
    }
    const char* path = argv[1];
    char detail[256] = "";
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("FAIL open: %s: errno %d\n", path, errno);
        return 1;
    }

    static char contents[65536];
    size_t total = 0;
    for (;;) {
        ssize_t n = read(fd, contents + total, sizeof(contents) - total);
        if (n < 0) {
            printf("FAIL read: errno %d\n", errno);
            return 1;
        }
        if (n == 0)
            break;
        total += (size_t)n;
    }
    fwrite(contents, 1, total, stdout);
    if (total > 0 && contents[total - 1] != '\n')
        putchar('\n');

    struct stat st;
    int ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == total;
    snprintf(detail, sizeof(detail), "st_size %lld, read %zu bytes", (long long)st.st_size, total);
    report("fstat", ok, detail);

    off_t end = lseek(fd, 0, SEEK_END);
    off_t start = lseek(fd, 0, SEEK_SET);
    char first = 0;
    ok = end == (off_t)total && start == 0 &&
         (total == 0 || (read(fd, &first, 1) == 1 && first == contents[0]));
    snprintf(detail, sizeof(detail), "SEEK_END gave %lld, SEEK_SET gave %lld", (long long)end,
             (long long)start);
    report("lseek", ok, detail);

    char piece[4] = {0};
    size_t want = total > 1 ? (total - 1 < 4 ? total - 1 : 4) : 0;
    ssize_t got = pread(fd, piece, want, 1);
    off_t after = lseek(fd, 0, SEEK_CUR);
    ok = got == (ssize_t)want && memcmp(piece, contents + 1, want) == 0 && after == (total ? 1 : 0);
    snprintf(detail, sizeof(detail), "pread returned %zd, offset afterwards %lld", got,
             (long long)after);
    report("pread", ok, detail);
    close(fd);

    char dir[4096];
    const char* slash = strrchr(path, '/');
    const char* name = slash ? slash + 1 : path;
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == path)
        snprintf(dir, sizeof(dir), "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    report("getdents64", directory_lists(dir, name, detail, sizeof(detail)), detail);

    return g_failures ? 1 : 0;
}
