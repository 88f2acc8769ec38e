/* fs_volume.c: a data volume mounted at /data. argv[1] says what to do: "write" leaves a note
 * there, "read" finds the note a previous run left, "readonly" checks that a ":ro" mount refuses
 * every change with EROFS but still reads; "rootro" checks the same of the root filesystem
 * under the manifest flag readonly_rootfs. Prints "ok <check>" / "FAIL <check>" lines and exits 0
 * iff nothing failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

static int g_failures;

static void report(const char* check, int ok) {
    if (ok) {
        printf("ok %s\n", check);
    } else {
        printf("FAIL %s (errno %d %s)\n", check, errno, strerror(errno));
        g_failures++;
    }
}

static const char kNote[] = "from the first run\n";

static int note_is_there(void) {
    char buffer[64] = {0};
    int fd = open("/data/note", O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buffer, sizeof buffer);
    close(fd);
    return n == (ssize_t)strlen(kNote) && memcmp(buffer, kNote, (size_t)n) == 0;
}

int main(int argc, char** argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char* mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "rootro") == 0) {
        /* The manifest's readonly_rootfs: the root refuses changes but reads. */
        errno = 0;
        report("root create refused with EROFS",
               open("/new", O_CREAT | O_WRONLY, 0644) == -1 && errno == EROFS);
        errno = 0;
        report("root mkdir refused with EROFS", mkdir("/dir", 0755) == -1 && errno == EROFS);
        struct statfs root_fs;
        report("root statfs says read-only", statfs("/", &root_fs) == 0 && (root_fs.f_flags & 1));
        report("root still reads", access("/etc/passwd", R_OK) == 0);
        printf("%s: %d failures\n", g_failures ? "FAILED" : "PASSED", g_failures);
        return g_failures ? 1 : 0;
    }
    struct stat root, data;
    report("the volume is another filesystem", stat("/", &root) == 0 && stat("/data", &data) == 0 &&
                                                   S_ISDIR(data.st_mode) &&
                                                   root.st_dev != data.st_dev);
    struct statfs fs;
    report("statfs of the volume", statfs("/data", &fs) == 0 && fs.f_blocks > 0);
    if (strcmp(mode, "write") == 0) {
        int fd = open("/data/note", O_CREAT | O_WRONLY | O_TRUNC, 0644);
        report("wrote the note", fd >= 0 &&
                                     write(fd, kNote, strlen(kNote)) == (ssize_t)strlen(kNote) &&
                                     fsync(fd) == 0 && close(fd) == 0);
        report("rename across filesystems is EXDEV",
               rename("/data/note", "/moved") == -1 && errno == EXDEV);
    } else if (strcmp(mode, "read") == 0) {
        report("note from the first run", note_is_there());
    } else if (strcmp(mode, "readonly") == 0) {
        report("reads on a read-only volume", note_is_there());
        errno = 0;
        report("create refused with EROFS",
               open("/data/new", O_CREAT | O_WRONLY, 0644) == -1 && errno == EROFS);
        errno = 0;
        report("open for writing refused with EROFS",
               open("/data/note", O_WRONLY) == -1 && errno == EROFS);
        errno = 0;
        report("mkdir refused with EROFS", mkdir("/data/dir", 0755) == -1 && errno == EROFS);
        errno = 0;
        report("unlink refused with EROFS", unlink("/data/note") == -1 && errno == EROFS);
        report("statfs says read-only", statfs("/data", &fs) == 0 && (fs.f_flags & 1));
    } else {
        printf("FAIL unknown mode %s\n", mode);
        g_failures++;
    }
    printf("%s: %d failures\n", g_failures ? "FAILED" : "PASSED", g_failures);
    return g_failures ? 1 : 0;
}
