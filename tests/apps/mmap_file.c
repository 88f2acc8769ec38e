// mmap_file.c: file-backed mappings. Usage: mmap_file read <existing file>
//   MAP_SHARED and MAP_PRIVATE read mappings match read(), outlive close(), follow the file on
//   mremap growth and MADV_DONTNEED, and get Linux's errors (EACCES, EINVAL, ENOMEM).
// or: mmap_file persist <file path>
//   first boot (no file yet): a MAP_SHARED writable mapping's changes reach the file on msync,
//   munmap and exit; a later boot of the same image checks all three are in the file.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char* what) {
    printf("%s %s\n", ok ? "ok" : "FAIL", what);
    if (!ok) {
        printf("  errno %s\n", strerror(errno));
        failures++;
    }
}

static int read_test(const char* path) {
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < 3 * 4096) {
        printf("FAIL need a file of at least 12 KiB: %s\n", path);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    char* expected = malloc(size);
    check(pread(fd, expected, size, 0) == (ssize_t)size, "pread the whole file");

    char* shared = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    check(shared != MAP_FAILED && memcmp(shared, expected, size) == 0,
          "MAP_SHARED read mapping matches read()");
    check(mprotect(shared, 4096, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
          "mprotect PROT_WRITE on a shared mapping of a read-only fd: EACCES");
    check(msync(shared, size, MS_SYNC) == 0, "msync MS_SYNC");
    check(msync(shared + 1, 4096, MS_SYNC) == -1 && errno == EINVAL, "msync unaligned: EINVAL");
    check(msync(shared, 4096, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL,
          "msync MS_SYNC|MS_ASYNC: EINVAL");
    check(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
              errno == EACCES,
          "MAP_SHARED PROT_WRITE on a read-only fd: EACCES");
    check(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4095) == MAP_FAILED && errno == EINVAL,
          "unaligned offset: EINVAL");

    // A private writable mapping at an offset: a copy; MADV_DONTNEED brings back the file.
    char* private = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 4096);
    check(private != MAP_FAILED && memcmp(private, expected + 4096, 2 * 4096) == 0,
          "MAP_PRIVATE at offset 4096 matches read()");
    memset(private, 'x', 4096);
    check(private[0] == 'x' && shared[4096] == expected[4096], "private writes stay private");
    check(madvise(private, 4096, MADV_DONTNEED) == 0 && memcmp(private, expected + 4096, 4096) == 0,
          "MADV_DONTNEED on a private file page reads the file again");

    char* populated = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    check(populated != MAP_FAILED && memcmp(populated, expected, size) == 0,
          "MAP_POPULATE mapping matches read()");

    close(fd);
    check(memcmp(shared, expected, size) == 0, "mapping outlives close()");
    // Growing a one-page mapping of the file (after an unmapped hole) shows the next bytes.
    char* small = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, open(path, O_RDONLY), 0);
    char* grown = mremap(small, 4096, 3 * 4096, MREMAP_MAYMOVE);
    check(grown != MAP_FAILED && memcmp(grown, expected, 3 * 4096) == 0,
          "mremap growth continues with the file's bytes");
    check(munmap(shared, size) == 0, "munmap");
    check(msync(shared, 4096, MS_SYNC) == -1 && errno == ENOMEM, "msync unmapped: ENOMEM");
    printf("mmap_file read: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

static int file_has(int fd, off_t offset, const char* text) {
    char buffer[64] = {0};
    size_t n = strlen(text);
    return pread(fd, buffer, n, offset) == (ssize_t)n && memcmp(buffer, text, n) == 0;
}

static int write_test(const char* path) {
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0, "create the file");
    if (fd < 0)
        return 1;
    check(ftruncate(fd, 3 * 4096) == 0, "ftruncate to 12 KiB");
    char* map = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    check(map != MAP_FAILED, "MAP_SHARED read-write mapping");
    if (map == MAP_FAILED)
        return 1;
    memcpy(map + 100, "synced by msync", 15);
    check(msync(map, 3 * 4096, MS_SYNC) == 0 && file_has(fd, 100, "synced by msync"),
          "msync writes the change to the file");
    memcpy(map + 4096 + 7, "written at munmap", 17);
    check(munmap(map + 4096, 4096) == 0 && file_has(fd, 4096 + 7, "written at munmap"),
          "munmap writes the change to the file");
    check(mprotect(map, 4096, PROT_READ) == 0 && mprotect(map, 4096, PROT_READ | PROT_WRITE) == 0,
          "mprotect keeps the shared mapping writable");
    memcpy(map + 2 * 4096 + 1, "written at exit", 15);
    printf("mmap_file write: %s\n", failures ? "FAILED" : "ok");
    // Exit with the last change only in the mapping: the kernel writes it back.
    return failures ? 1 : 0;
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "read") == 0)
        return read_test(argv[2]);
    if (argc == 3 && strcmp(argv[1], "persist") == 0 && access(argv[2], F_OK) != 0)
        return write_test(argv[2]);
    if (argc == 3 && strcmp(argv[1], "persist") == 0) {
        int fd = open(argv[2], O_RDONLY);
        int ok = fd >= 0 && file_has(fd, 100, "synced by msync") &&
                 file_has(fd, 4096 + 7, "written at munmap") &&
                 file_has(fd, 2 * 4096 + 1, "written at exit");
        printf("mmap_file check: %s\n", ok ? "ok" : "FAILED");
        return ok ? 0 : 1;
    }
    fprintf(stderr, "usage: mmap_file read|persist <path>\n");
    return 2;
}
