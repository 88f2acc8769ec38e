/* bench/programs/fileio.c: file throughput for bench/fileio.sh. Built static with gcc (glibc)
 * and run unchanged as the program of an ops image and as /hello of the Linux comparison guest
 * (which mounts an ext4 disk and starts it in that directory). Not a test: it asserts nothing.
 *
 * Works in the current directory. `seq.bin` and `rand.bin` must exist there (shipped in the
 * image / put on the ext4 disk by the script) and not have been read since boot, so that their
 * reads are cold (two files: reading one sequentially would warm it for the random phase).
 * Phases, each bounded in count and in time (BUDGET_NS of CLOCK_MONOTONIC time):
 *   seq_read_cold    seq.bin start to end in 1 MiB read()s
 *   rand_read_cold   4 KiB pread()s at pseudo-random 4 KiB-aligned offsets of rand.bin
 *   seq_write        new.bin: WRITE_MIB MiB in 1 MiB write()s, then fsync (included)
 *   rand_write       4 KiB pwrite()s at pseudo-random offsets of new.bin, then fsync (included)
 *   seq_read_warm    new.bin start to end in 1 MiB read()s (just written: cached on both)
 * It prints one line per result, "name_mib_s X" and for the random phases "name_iops X", plus
 * "name_bytes N", then "fileio done". Errors print "fileio error: ..." and exit 1. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024 * 1024)
#define BLOCK 4096
#define WRITE_MIB 64
#define RANDOM_OPS 4096
#define BUDGET_NS (60ull * 1000 * 1000 * 1000)

static char big[MIB];

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void fail(const char *what) {
    printf("fileio error: %s: %s\n", what, strerror(errno));
    exit(1);
}

static uint64_t lcg_state = 0x2545F4914F6CDD1Dull;
static uint64_t next_random(void) {
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return lcg_state >> 17;
}

static void report(const char *name, uint64_t bytes, uint64_t ops, uint64_t ns) {
    double seconds = (double)ns / 1e9;
    if (seconds <= 0) seconds = 1e-9;
    printf("%s_bytes %llu\n", name, (unsigned long long)bytes);
    printf("%s_mib_s %.1f\n", name, (double)bytes / MIB / seconds);
    if (ops) printf("%s_iops %.0f\n", name, (double)ops / seconds);
    fflush(stdout);
}

static void sequential_read(const char *name, const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) fail(path);
    uint64_t bytes = 0, start = now_ns();
    for (;;) {
        ssize_t n = read(fd, big, sizeof big);
        if (n < 0) fail("read");
        if (n == 0 || now_ns() - start > BUDGET_NS) break;
        bytes += (uint64_t)n;
    }
    report(name, bytes, 0, now_ns() - start);
    close(fd);
}

static void random_read(const char *name, const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) fail(path);
    struct stat st;
    if (fstat(fd, &st) < 0) fail("fstat");
    uint64_t blocks = (uint64_t)st.st_size / BLOCK;
    if (blocks == 0) { errno = EINVAL; fail("the file is smaller than 4 KiB"); }
    uint64_t ops = 0, start = now_ns();
    for (; ops < RANDOM_OPS && now_ns() - start < BUDGET_NS; ops++) {
        off_t at = (off_t)(next_random() % blocks) * BLOCK;
        if (pread(fd, big, BLOCK, at) != BLOCK) fail("pread");
    }
    report(name, ops * BLOCK, ops, now_ns() - start);
    close(fd);
}

static void sequential_write(const char *name, const char *path) {
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)(i * 7 + 1);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) fail(path);
    uint64_t bytes = 0, start = now_ns();
    for (int i = 0; i < WRITE_MIB && now_ns() - start < BUDGET_NS; i++) {
        if (write(fd, big, sizeof big) != (ssize_t)sizeof big) fail("write");
        bytes += sizeof big;
    }
    if (fsync(fd) < 0) fail("fsync");
    report(name, bytes, 0, now_ns() - start);
    close(fd);
}

static void random_write(const char *name, const char *path) {
    int fd = open(path, O_WRONLY);
    if (fd < 0) fail(path);
    struct stat st;
    if (fstat(fd, &st) < 0) fail("fstat");
    uint64_t blocks = (uint64_t)st.st_size / BLOCK;
    if (blocks == 0) { errno = EINVAL; fail("new.bin is empty"); }
    uint64_t ops = 0, start = now_ns();
    for (; ops < RANDOM_OPS && now_ns() - start < BUDGET_NS; ops++) {
        off_t at = (off_t)(next_random() % blocks) * BLOCK;
        if (pwrite(fd, big, BLOCK, at) != BLOCK) fail("pwrite");
    }
    if (fsync(fd) < 0) fail("fsync");
    report(name, ops * BLOCK, ops, now_ns() - start);
    close(fd);
}

int main(void) {
    sequential_read("seq_read_cold", "seq.bin");
    random_read("rand_read_cold", "rand.bin");
    sequential_write("seq_write", "new.bin");
    random_write("rand_write", "new.bin");
    sequential_read("seq_read_warm", "new.bin");
    if (unlink("new.bin") < 0) fail("unlink");
    printf("fileio done\n");
    return 0;
}
