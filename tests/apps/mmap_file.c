// mmap_file.c: file-backed mappings. Usage: mmap_file read <existing file>
//   MAP_SHARED and MAP_PRIVATE read mappings match read(), outlive close(), follow the file on
//   mremap growth and MADV_DONTNEED, and get Linux's errors (EACCES, EINVAL, ENOMEM).
// or: mmap_file coherence <new file path>
//   read()/write() and MAP_SHARED mappings see one copy of the file at once (no msync), two
//   mappings share pages, MAP_PRIVATE copies on write, truncation gives SIGBUS past the end.
// or: mmap_file idle <new file path>
//   stores into a MAP_SHARED mapping of a new 8 KiB file, prints "wrote idle" and sleeps without
//   msync or exit (a VM test kills QEMU and checks the store reached the disk anyway).
// or: mmap_file pressure <new file path> <MiB of file> <MiB of anonymous memory>
//   a file larger than RAM reads back right twice (the page cache gives up old pages), and then
//   the program can still fill that much anonymous memory (the cache gives its pages back).
// or: mmap_file race <file path> <expected file path>
//   first boot (no file yet): 3 threads store counters into a MAP_SHARED mapping while the main
//   thread calls fsync and msync 20 times; the file then matches the mapping, whose final bytes
//   go to the expected file by write(); a later boot of the same image finds them in the file.
// or: mmap_file persist <file path>
//   first boot (no file yet): a MAP_SHARED writable mapping's changes reach the file on msync,
//   munmap and exit; a later boot of the same image checks all three are in the file.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
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

static sigjmp_buf g_fault_jump;
static volatile int g_fault_signal;

static void on_fault(int signo) {
    g_fault_signal = signo;
    siglongjmp(g_fault_jump, 1);
}

// Reads one byte at p; returns the signal the access raised (0 if none) and the byte in *out.
static int touch_byte(volatile char* p, char* out) {
    g_fault_signal = 0;
    if (sigsetjmp(g_fault_jump, 1) == 0)
        *out = *p;
    return g_fault_signal;
}

static int all_bytes(const char* p, char value, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != value)
            return 0;
    return 1;
}

static int coherence_test(const char* path) {
    const size_t page = 4096;
    struct sigaction action = {0};
    action.sa_handler = on_fault;
    sigaction(SIGBUS, &action, NULL);
    sigaction(SIGSEGV, &action, NULL);

    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0, "create the file");
    if (fd < 0)
        return 1;
    char block[3 * 4096];
    memset(block, 'a', sizeof(block));
    check(write(fd, block, sizeof(block)) == (ssize_t)sizeof(block), "write 12 KiB");
    char* shared = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char* other = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char* private = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    check(shared != MAP_FAILED && other != MAP_FAILED && private != MAP_FAILED,
          "two MAP_SHARED and one MAP_PRIVATE mapping");
    if (shared == MAP_FAILED || other == MAP_FAILED || private == MAP_FAILED)
        return 1;
    check(shared[5] == 'a' && private[page + 5] == 'a', "mappings show the file");

    check(pwrite(fd, "from write()", 12, page + 10) == 12 &&
              memcmp(shared + page + 10, "from write()", 12) == 0 &&
              memcmp(other + page + 10, "from write()", 12) == 0,
          "write() is seen by existing MAP_SHARED mappings at once");
    memcpy(shared + 2 * page + 20, "from a store", 12);
    char buffer[16] = {0};
    check(pread(fd, buffer, 12, 2 * page + 20) == 12 && memcmp(buffer, "from a store", 12) == 0,
          "a store through MAP_SHARED is seen by read() without msync");
    check(memcmp(other + 2 * page + 20, "from a store", 12) == 0,
          "two MAP_SHARED mappings share the page");

    // Copy on write: the private page takes the store, the file and shared mappings do not.
    private[30] = 'P';
    check(private[30] == 'P' && shared[30] == 'a' && pread(fd, buffer, 1, 30) == 1 &&
              buffer[0] == 'a',
          "a MAP_PRIVATE store does not reach the file");
    shared[31] = 'S';
    check(private[31] == 'a' && private[29] == 'a',
          "a MAP_PRIVATE page keeps its copy after the file changes");

    // Shrinking to a page and a half: the partial page's tail reads as zero, pages past the end
    // raise SIGBUS in shared and private mappings alike.
    char byte = 0;
    check(ftruncate(fd, page + page / 2) == 0, "ftruncate to 6 KiB");
    check(all_bytes(shared + page + page / 2, 0, page / 2), "the tail of the last page is zero");
    check(touch_byte(shared + 2 * page, &byte) == SIGBUS,
          "a shared mapping past the end of the file: SIGBUS");
    check(touch_byte(private + 2 * page, &byte) == SIGBUS,
          "a private mapping past the end of the file: SIGBUS");
    check(touch_byte(shared + page, &byte) == 0 && byte == 'a', "pages inside the file still read");

    // Growing again: the page comes back as zeros, and write() reaches it.
    check(ftruncate(fd, 3 * page) == 0, "ftruncate back to 12 KiB");
    check(touch_byte(shared + 2 * page + 20, &byte) == 0 && byte == 0,
          "after growing the file the page reads as zero");
    check(pwrite(fd, "grown", 5, 2 * page + 100) == 5 &&
              memcmp(other + 2 * page + 100, "grown", 5) == 0,
          "write() into the grown part is seen by the mapping");

    // A store, then munmap without msync: read() still sees it.
    memcpy(other + 50, "kept after munmap", 17);
    check(munmap(other, 3 * page) == 0 && pread(fd, buffer, 16, 50) == 16 &&
              memcmp(buffer, "kept after munmap", 16) == 0,
          "a store survives munmap without msync");
    check(fsync(fd) == 0 && msync(shared, 3 * page, MS_SYNC) == 0, "fsync and msync");
    munmap(shared, 3 * page);
    munmap(private, 3 * page);
    close(fd);
    printf("mmap_file coherence: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

// The file's bytes: each page holds its own number, so a page read from the wrong place shows.
static void pressure_chunk(unsigned char* chunk, long chunk_size, long c) {
    memset(chunk, (int)(c & 0xff), (size_t)chunk_size);
    for (long i = 0; i < chunk_size; i += 4096) {
        long page = (c * chunk_size + i) / 4096;
        memcpy(chunk + i + 100, &page, sizeof page);
    }
}

static int pressure_test(const char* path, long file_mib, long anonymous_mib) {
    const long chunk_size = 1 << 20;
    unsigned char* chunk = malloc(chunk_size);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    check(chunk && fd >= 0, "create the file");
    if (!chunk || fd < 0)
        return 1;
    unsigned char* expected = malloc(chunk_size);
    int written = expected != NULL;
    for (long c = 0; c < file_mib && written; c++) {
        pressure_chunk(chunk, chunk_size, c);
        written = write(fd, chunk, chunk_size) == chunk_size;
    }
    check(written, "write a file larger than RAM");
    for (int round = 0; round < 2; round++) {
        int same = 1;
        for (long c = 0; c < file_mib && same; c++) {
            pressure_chunk(expected, chunk_size, c);
            same = pread(fd, chunk, chunk_size, c * chunk_size) == chunk_size &&
                   memcmp(chunk, expected, (size_t)chunk_size) == 0;
        }
        check(same, round ? "it reads back again" : "it reads back");
    }
    close(fd);
    unlink(path);
    // Every page touched: the cache's clean pages must make room.
    long bytes = anonymous_mib << 20;
    char* anonymous = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (anonymous != MAP_FAILED)
        for (long i = 0; i < bytes; i += 4096)
            anonymous[i] = 1;
    check(anonymous != MAP_FAILED, "anonymous memory after reading it");
    printf("mmap_file pressure: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

enum { RACE_THREADS = 3, RACE_PAGES = 4, RACE_SYNCS = 20 };
static volatile unsigned long* g_race_map;
static volatile int g_race_stop;

// Thread t stores i into slot t of page i % RACE_PAGES, i = 1, 2, ... until told to stop.
static void* race_thread(void* argument) {
    long t = (long)argument;
    for (unsigned long i = 1; !g_race_stop; i++)
        g_race_map[(i % RACE_PAGES) * 512 + t] = i;
    return NULL;
}

static int race_test(const char* path, const char* expected_path) {
    size_t bytes = RACE_PAGES * 4096;
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    void* map = fd < 0 || ftruncate(fd, (off_t)bytes) != 0
                    ? MAP_FAILED
                    : mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    check(map != MAP_FAILED, "a shared mapping to race on");
    if (map == MAP_FAILED)
        return 1;
    g_race_map = map;
    pthread_t threads[RACE_THREADS];
    for (long t = 0; t < RACE_THREADS; t++)
        pthread_create(&threads[t], NULL, race_thread, (void*)t);
    // The threads store during every one of these syncs.
    int synced = 1;
    for (int i = 0; i < RACE_SYNCS; i++)
        synced = synced && fsync(fd) == 0 && msync(map, bytes, MS_SYNC) == 0;
    g_race_stop = 1;
    for (long t = 0; t < RACE_THREADS; t++)
        pthread_join(threads[t], NULL);
    check(synced, "fsync and msync while threads store");
    char* words = malloc(bytes);
    check(pread(fd, words, bytes, 0) == (ssize_t)bytes && memcmp(words, map, bytes) == 0,
          "read() sees the mapping after racing stores and syncs");
    // What the next boot must find in the file (exit writes the last dirty pages back).
    int expected = open(expected_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    check(write(expected, map, bytes) == (ssize_t)bytes && close(expected) == 0,
          "write the expected contents");
    printf("mmap_file race: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

static int race_check(const char* path, const char* expected_path) {
    size_t bytes = RACE_PAGES * 4096;
    char* words = malloc(bytes);
    char* expected = malloc(bytes);
    int fd = open(path, O_RDONLY), expected_fd = open(expected_path, O_RDONLY);
    int ok = fd >= 0 && expected_fd >= 0 && pread(fd, words, bytes, 0) == (ssize_t)bytes &&
             pread(expected_fd, expected, bytes, 0) == (ssize_t)bytes &&
             memcmp(words, expected, bytes) == 0;
    printf("mmap_file race check: %s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}

static int idle_test(const char* path) {
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char* map = fd < 0 || ftruncate(fd, 2 * 4096) != 0
                    ? MAP_FAILED
                    : mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        printf("FAIL idle mapping: %s\n", strerror(errno));
        return 1;
    }
    memcpy(map + 4096 + 10, "stored without msync", 20);
    printf("wrote idle\n");
    fflush(stdout);
    for (int i = 0; i < 600; i++) // killed long before
        sleep(1);
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 5 && strcmp(argv[1], "pressure") == 0)
        return pressure_test(argv[2], atol(argv[3]), atol(argv[4]));
    if (argc == 4 && strcmp(argv[1], "race") == 0)
        return access(argv[2], F_OK) != 0 ? race_test(argv[2], argv[3])
                                          : race_check(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "idle") == 0)
        return idle_test(argv[2]);
    if (argc == 3 && strcmp(argv[1], "coherence") == 0)
        return coherence_test(argv[2]);
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
    fprintf(stderr, "usage: mmap_file read|coherence|idle|persist <path> | race <path> <path> | "
                    "pressure <path> <MiB> <MiB>\n");
    return 2;
}
