/* fs_crash.c: appends fixed-size records to /crash/log, fsyncs after each and then prints
 * "synced <n>" (n = records in the file), forever: the VM test kills QEMU at some moment and
 * checks offline that every record whose "synced" line appeared is on the disk and intact.
 * On start it counts the records a previous boot left and goes on from there. With argument
 * "idle" it writes /crash/idle without fsync, prints "wrote idle" and sleeps. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECORD 64

/* Record i: "record <i, 8 digits> " then a pattern of i, then '\n' (64 bytes). */
static void make_record(long i, char* out) {
    int n = snprintf(out, RECORD, "record %08ld ", i);
    for (int j = n; j < RECORD - 1; j++)
        out[j] = (char)('a' + (i * 7 + j) % 26);
    out[RECORD - 1] = '\n';
}

int main(int argc, char** argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    mkdir("/crash", 0755);
    if (argc > 1 && strcmp(argv[1], "idle") == 0) {
        /* No fsync and no exit: the kernel must write the records on its own. */
        int fd = open("/crash/idle", O_CREAT | O_WRONLY | O_TRUNC, 0644);
        const char text[] = "written without fsync\n";
        if (fd < 0 || write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1)) {
            printf("FAIL idle write: %s\n", strerror(errno));
            return 1;
        }
        printf("wrote idle\n");
        sleep(60);
        return 0;
    }
    int fd = open("/crash/log", O_CREAT | O_RDWR | O_APPEND, 0644);
    if (fd < 0) {
        printf("FAIL open: %s\n", strerror(errno));
        return 1;
    }
    struct stat st;
    fstat(fd, &st);
    long count = st.st_size / RECORD;
    printf("start %ld\n", count);
    char record[RECORD];
    for (long i = 0; i < 100000; i++) {
        make_record(count, record);
        if (write(fd, record, RECORD) != RECORD || fsync(fd) != 0) {
            printf("FAIL write %ld: %s\n", count, strerror(errno));
            return 1;
        }
        count++;
        printf("synced %ld\n", count);
    }
    return 0;
}
