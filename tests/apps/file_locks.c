// file_locks.c: fcntl record locks (F_SETLK, F_SETLKW, F_GETLK and the F_OFD_* variants) on a
// file opened read-only, with the results Linux gives a single process, and the argument
// checks (EINVAL, EBADF); then write locks on a file it creates read-write.
// Usage: file_locks <path of an existing file> <path of a file to create>
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int failures;

static void expect(const char* what, int result, int expected_errno) {
    int ok = expected_errno ? (result == -1 && errno == expected_errno) : result == 0;
    printf("%s %s", ok ? "ok" : "FAIL", what);
    if (!ok)
        printf(" (result %d errno %s)", result, strerror(errno));
    printf("\n");
    failures += !ok;
}

static struct flock range(short type, short whence, off_t start, off_t length) {
    struct flock lock;
    memset(&lock, 0, sizeof(lock));
    lock.l_type = type;
    lock.l_whence = whence;
    lock.l_start = start;
    lock.l_len = length;
    return lock;
}

int main(int argc, char** argv) {
    int fd = open(argc > 1 ? argv[1] : "/proc/self/exe", O_RDONLY);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    struct flock lock = range(F_RDLCK, SEEK_SET, 0, 100);
    expect("F_SETLK read lock", fcntl(fd, F_SETLK, &lock), 0);
    lock = range(F_RDLCK, SEEK_SET, 0, 0);
    expect("F_SETLKW read lock to end of file", fcntl(fd, F_SETLKW, &lock), 0);

    lock = range(F_WRLCK, SEEK_SET, 10, 20);
    lock.l_pid = 12345;
    int result = fcntl(fd, F_GETLK, &lock);
    int unlocked = result == 0 && lock.l_type == F_UNLCK && lock.l_start == 10 && lock.l_len == 20;
    printf("%s F_GETLK reports F_UNLCK\n", unlocked ? "ok" : "FAIL");
    failures += !unlocked;

    lock = range(F_UNLCK, SEEK_SET, 0, 0);
    expect("F_SETLK unlock", fcntl(fd, F_SETLK, &lock), 0);
    lock = range(F_WRLCK, SEEK_SET, 0, 10);
    expect("F_SETLK write lock on a read-only fd: EBADF", fcntl(fd, F_SETLK, &lock), EBADF);
    lock = range(7, SEEK_SET, 0, 10);
    expect("F_SETLK bad type: EINVAL", fcntl(fd, F_SETLK, &lock), EINVAL);
    lock = range(F_UNLCK, SEEK_SET, 0, 10);
    expect("F_GETLK of F_UNLCK: EINVAL", fcntl(fd, F_GETLK, &lock), EINVAL);
    lock = range(F_RDLCK, 9, 0, 10);
    expect("F_SETLK bad whence: EINVAL", fcntl(fd, F_SETLK, &lock), EINVAL);
    lock = range(F_RDLCK, SEEK_SET, -5, 10);
    expect("F_SETLK negative start: EINVAL", fcntl(fd, F_SETLK, &lock), EINVAL);
    lock = range(F_RDLCK, SEEK_SET, 5, -10);
    expect("F_SETLK range before 0: EINVAL", fcntl(fd, F_SETLK, &lock), EINVAL);
    lock = range(F_RDLCK, SEEK_SET, 20, -10);
    expect("F_SETLK negative length", fcntl(fd, F_SETLK, &lock), 0);
    expect("F_SETLK bad pointer: EFAULT", fcntl(fd, F_SETLK, (struct flock*)8), EFAULT);

    lock = range(F_RDLCK, SEEK_SET, 0, 0);
    expect("F_OFD_SETLK read lock", fcntl(fd, F_OFD_SETLK, &lock), 0);
    lock = range(F_RDLCK, SEEK_SET, 0, 0);
    lock.l_pid = 1;
    expect("F_OFD_SETLK with l_pid: EINVAL", fcntl(fd, F_OFD_SETLK, &lock), EINVAL);
    lock = range(F_RDLCK, SEEK_CUR, 0, 0);
    result = fcntl(fd, F_OFD_GETLK, &lock);
    unlocked = result == 0 && lock.l_type == F_UNLCK;
    printf("%s F_OFD_GETLK reports F_UNLCK\n", unlocked ? "ok" : "FAIL");
    failures += !unlocked;

    lock = range(F_RDLCK, SEEK_SET, 0, 0);
    expect("F_SETLK on a closed fd: EBADF", fcntl(99, F_SETLK, &lock), EBADF);

    // sqlite's pattern on a read-write file: a write lock past the end, then F_GETLK.
    int rw = open(argc > 2 ? argv[2] : "/locks.db", O_RDWR | O_CREAT, 0644);
    expect("create a read-write file", rw >= 0 ? 0 : -1, 0);
    lock = range(F_WRLCK, SEEK_SET, 1073741824, 1);
    expect("F_SETLK write lock", fcntl(rw, F_SETLK, &lock), 0);
    // An OFD lock on another range (Linux makes OFD and POSIX locks of one process conflict).
    lock = range(F_WRLCK, SEEK_SET, 0, 100);
    expect("F_OFD_SETLKW write lock", fcntl(rw, F_OFD_SETLKW, &lock), 0);
    lock = range(F_WRLCK, SEEK_SET, 1073741824, 1);
    result = fcntl(rw, F_GETLK, &lock);
    unlocked = result == 0 && lock.l_type == F_UNLCK;
    printf("%s F_GETLK over our own write lock reports F_UNLCK\n", unlocked ? "ok" : "FAIL");
    failures += !unlocked;
    printf("file_locks: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
