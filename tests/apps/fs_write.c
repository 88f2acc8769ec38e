/* fs_write.c: the writable root filesystem, call by call, with the results and errno values
 * Linux gives. Works below /fstest (created here). Prints "ok <check>" or "FAIL <check>: <detail>"
 * for each check and exits 0 iff nothing failed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* musl has no Linux uapi headers: the flags as Linux numbers them. */
#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 0x01
#endif
#ifndef FALLOC_FL_PUNCH_HOLE
#define FALLOC_FL_PUNCH_HOLE 0x02
#endif
#ifndef FALLOC_FL_ZERO_RANGE
#define FALLOC_FL_ZERO_RANGE 0x10
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE 2
#endif
#ifndef SYS_renameat2
#define SYS_renameat2 316
#endif

static int g_failures;

static void report(const char* check, int ok, const char* detail) {
    if (ok) {
        printf("ok %s\n", check);
    } else {
        printf("FAIL %s: %s (errno %d %s)\n", check, detail, errno, strerror(errno));
        g_failures++;
    }
}

#define CHECK(name, cond) report(name, (cond), #cond)
/* expr must fail with -1 and errno e. */
#define CHECK_ERRNO(name, expr, e)                                                                 \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long r_ = (long)(expr);                                                                    \
        int saved_ = errno;                                                                        \
        char d_[160];                                                                              \
        snprintf(d_, sizeof d_, "%s = %ld errno %d, want -1 errno %d", #expr, r_, saved_, (e));    \
        errno = saved_;                                                                            \
        report(name, r_ == -1 && saved_ == (e), d_);                                               \
    } while (0)

static long sys_renameat2(int od, const char* op, int nd, const char* np, unsigned flags) {
    return syscall(SYS_renameat2, od, op, nd, np, flags);
}

static int write_file(const char* path, const char* text) {
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int file_is(const char* path, const char* text) {
    char buffer[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buffer, sizeof buffer);
    close(fd);
    return n == (ssize_t)strlen(text) && memcmp(buffer, text, n) == 0;
}

static void open_write_read(void) {
    int fd = open("/fstest/a", O_CREAT | O_EXCL | O_RDWR, 0644);
    CHECK("open O_CREAT|O_EXCL", fd >= 0);
    CHECK_ERRNO("open O_EXCL existing", open("/fstest/a", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
    CHECK("write", write(fd, "hello world", 11) == 11);
    struct stat st;
    CHECK("fstat size", fstat(fd, &st) == 0 && st.st_size == 11 && st.st_nlink == 1 &&
                            S_ISREG(st.st_mode) && st.st_blocks >= 1);
    CHECK("pwrite", pwrite(fd, "WORLD", 5, 6) == 5);
    char buffer[64] = {0};
    CHECK("pread",
          pread(fd, buffer, sizeof buffer, 0) == 11 && memcmp(buffer, "hello WORLD", 11) == 0);
    struct iovec out[2] = {{"abc", 3}, {"defg", 4}};
    CHECK("writev", lseek(fd, 0, SEEK_END) == 11 && writev(fd, out, 2) == 7);
    CHECK("pwritev", pwritev(fd, out, 2, 100) == 7);
    char x[3], y[4];
    struct iovec in[2] = {{x, 3}, {y, 4}};
    CHECK("preadv",
          preadv(fd, in, 2, 100) == 7 && memcmp(x, "abc", 3) == 0 && memcmp(y, "defg", 4) == 0);
    memset(buffer, 1, sizeof buffer);
    CHECK("hole reads zeros", pread(fd, buffer, 10, 20) == 10 && buffer[0] == 0 && buffer[9] == 0);
    CHECK("size after pwritev", fstat(fd, &st) == 0 && st.st_size == 107);
    CHECK("SEEK_DATA", lseek(fd, 5, SEEK_DATA) == 5);
    CHECK("SEEK_HOLE", lseek(fd, 5, SEEK_HOLE) == 107);
    CHECK_ERRNO("SEEK_DATA past the end", lseek(fd, 107, SEEK_DATA), ENXIO);
    close(fd);

    fd = open("/fstest/a", O_WRONLY | O_APPEND);
    CHECK("O_APPEND write goes to the end", fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 &&
                                                write(fd, "!", 1) == 1 &&
                                                lseek(fd, 0, SEEK_CUR) == 108);
    CHECK("O_APPEND pwrite goes to the end",
          pwrite(fd, "?", 1, 0) == 1 && stat("/fstest/a", &st) == 0 && st.st_size == 109);
    close(fd);
    CHECK_ERRNO("write on O_RDONLY", write(open("/fstest/a", O_RDONLY), "x", 1), EBADF);
    fd = open("/fstest/a", O_WRONLY | O_TRUNC);
    CHECK("O_TRUNC", fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
    close(fd);
    CHECK_ERRNO("O_DIRECT refused", open("/fstest/a", O_RDWR | O_DIRECT), EINVAL);
    CHECK_ERRNO("open dir for writing", open("/fstest", O_WRONLY), EISDIR);
    CHECK_ERRNO("O_CREAT with a trailing slash", open("/fstest/new/", O_CREAT | O_WRONLY, 0644),
                EISDIR);
    CHECK_ERRNO("O_CREAT in a missing directory",
                open("/fstest/missing/f", O_CREAT | O_WRONLY, 0644), ENOENT);
    char long_name[300] = "/fstest/";
    memset(long_name + 8, 'n', 256);
    CHECK_ERRNO("name of 256 bytes", open(long_name, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
    fd = creat("/fstest/creat", 0644);
    CHECK("creat", fd >= 0 && write(fd, "c", 1) == 1 && close(fd) == 0);
    CHECK("access W_OK", access("/fstest/a", W_OK) == 0);
}

static void truncate_and_allocate(void) {
    int fd = open("/fstest/t", O_CREAT | O_RDWR, 0644);
    struct stat st;
    CHECK("write before truncate", write(fd, "0123456789", 10) == 10);
    CHECK("truncate grows",
          truncate("/fstest/t", 100) == 0 && stat("/fstest/t", &st) == 0 && st.st_size == 100);
    char buffer[100];
    CHECK("grown part reads zeros", pread(fd, buffer, 100, 0) == 100 && buffer[9] == '9' &&
                                        buffer[10] == 0 && buffer[99] == 0);
    CHECK("ftruncate shrinks", ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
    CHECK("ftruncate then grow keeps zeros", ftruncate(fd, 8) == 0 &&
                                                 pread(fd, buffer, 8, 0) == 8 &&
                                                 memcmp(buffer, "01234\0\0\0", 8) == 0);
    CHECK_ERRNO("truncate negative", truncate("/fstest/t", -1), EINVAL);
    CHECK_ERRNO("truncate a directory", truncate("/fstest", 0), EISDIR);
    CHECK_ERRNO("truncate missing", truncate("/fstest/none", 0), ENOENT);
    int ro = open("/fstest/t", O_RDONLY);
    CHECK_ERRNO("ftruncate on O_RDONLY", ftruncate(ro, 0), EINVAL);

    CHECK("fallocate mode 0", fallocate(fd, 0, 0, 65536) == 0 && fstat(fd, &st) == 0 &&
                                  st.st_size == 65536 && st.st_blocks >= 128);
    CHECK("fallocate keeps data",
          pread(fd, buffer, 8, 0) == 8 && memcmp(buffer, "01234\0\0\0", 8) == 0);
    blkcnt_t blocks = st.st_blocks;
    CHECK("fallocate KEEP_SIZE", fallocate(fd, FALLOC_FL_KEEP_SIZE, 65536, 65536) == 0 &&
                                     fstat(fd, &st) == 0 && st.st_size == 65536 &&
                                     st.st_blocks >= blocks + 128);
    CHECK("fallocated range reads zeros",
          pread(fd, buffer, 100, 30000) == 100 && buffer[0] == 0 && buffer[99] == 0);
    CHECK("write into fallocated range", pwrite(fd, "xyz", 3, 40000) == 3 &&
                                             pread(fd, buffer, 5, 39999) == 5 &&
                                             memcmp(buffer, "\0xyz\0", 5) == 0);
    CHECK_ERRNO("fallocate PUNCH_HOLE",
                fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096), EOPNOTSUPP);
    CHECK_ERRNO("fallocate ZERO_RANGE", fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 4096), EOPNOTSUPP);
    CHECK_ERRNO("fallocate length 0", fallocate(fd, 0, 0, 0), EINVAL);
    CHECK_ERRNO("fallocate negative offset", fallocate(fd, 0, -1, 10), EINVAL);
    CHECK_ERRNO("fallocate on O_RDONLY", fallocate(ro, 0, 0, 10), EBADF);
    close(ro);
    close(fd);
}

static void directories(void) {
    struct stat st;
    CHECK("mkdir",
          mkdir("/fstest/d", 0755) == 0 && stat("/fstest/d", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK_ERRNO("mkdir existing", mkdir("/fstest/d", 0755), EEXIST);
    CHECK_ERRNO("mkdir in missing parent", mkdir("/fstest/nope/d", 0755), ENOENT);
    CHECK_ERRNO("mkdir below a file", mkdir("/fstest/a/d", 0755), ENOTDIR);
    int dirfd = open("/fstest/d", O_RDONLY | O_DIRECTORY);
    CHECK("mkdirat", mkdirat(dirfd, "sub", 0755) == 0 && stat("/fstest/d/sub", &st) == 0);
    CHECK("parent nlink counts subdirectories", stat("/fstest/d", &st) == 0 && st.st_nlink == 3);
    CHECK("file in subdirectory", write_file("/fstest/d/sub/f", "f") == 0);
    CHECK_ERRNO("rmdir non-empty", rmdir("/fstest/d/sub"), ENOTEMPTY);
    CHECK_ERRNO("rmdir a file", rmdir("/fstest/d/sub/f"), ENOTDIR);
    CHECK_ERRNO("rmdir dot", rmdir("/fstest/d/."), EINVAL);
    CHECK_ERRNO("unlink a directory", unlink("/fstest/d/sub"), EISDIR);
    CHECK("unlink", unlink("/fstest/d/sub/f") == 0);
    CHECK_ERRNO("stat after unlink", stat("/fstest/d/sub/f", &st), ENOENT);
    CHECK_ERRNO("unlink again", unlink("/fstest/d/sub/f"), ENOENT);
    CHECK("unlinkat AT_REMOVEDIR", unlinkat(dirfd, "sub", AT_REMOVEDIR) == 0);
    CHECK_ERRNO("unlinkat bad flag", unlinkat(dirfd, "x", 0x1), EINVAL);
    CHECK("rmdir", mkdir("/fstest/d/e", 0755) == 0 && rmdir("/fstest/d/e") == 0 &&
                       stat("/fstest/d/e", &st) == -1);
    close(dirfd);
}

static void renames(void) {
    struct stat st;
    write_file("/fstest/r1", "one");
    write_file("/fstest/r2", "two");
    CHECK("rename", rename("/fstest/r1", "/fstest/r3") == 0 && file_is("/fstest/r3", "one") &&
                        stat("/fstest/r1", &st) == -1);
    CHECK("rename replaces", rename("/fstest/r3", "/fstest/r2") == 0 &&
                                 file_is("/fstest/r2", "one") && stat("/fstest/r3", &st) == -1);
    write_file("/fstest/r4", "four");
    CHECK_ERRNO("RENAME_NOREPLACE onto existing",
                sys_renameat2(AT_FDCWD, "/fstest/r4", AT_FDCWD, "/fstest/r2", RENAME_NOREPLACE),
                EEXIST);
    CHECK("RENAME_NOREPLACE to a new name",
          sys_renameat2(AT_FDCWD, "/fstest/r4", AT_FDCWD, "/fstest/r5", RENAME_NOREPLACE) == 0 &&
              file_is("/fstest/r5", "four"));
    CHECK_ERRNO("RENAME_EXCHANGE unsupported",
                sys_renameat2(AT_FDCWD, "/fstest/r5", AT_FDCWD, "/fstest/r2", RENAME_EXCHANGE),
                EINVAL);
    mkdir("/fstest/rd", 0755);
    mkdir("/fstest/rd/in", 0755);
    CHECK_ERRNO("rename a directory into itself", rename("/fstest/rd", "/fstest/rd/in/x"), EINVAL);
    CHECK_ERRNO("rename a file over a directory", rename("/fstest/r5", "/fstest/rd"), EISDIR);
    CHECK_ERRNO("rename a directory over a file", rename("/fstest/rd", "/fstest/r5"), ENOTDIR);
    mkdir("/fstest/rd2", 0755);
    CHECK_ERRNO("rename over a non-empty directory", rename("/fstest/rd2", "/fstest/rd"),
                ENOTEMPTY);
    CHECK("rename a directory", rename("/fstest/rd", "/fstest/rd3") == 0 &&
                                    stat("/fstest/rd3/in", &st) == 0 && S_ISDIR(st.st_mode));
    int a = open("/fstest", O_RDONLY | O_DIRECTORY);
    int b = open("/fstest/rd3", O_RDONLY | O_DIRECTORY);
    CHECK("renameat across directories",
          renameat(a, "r5", b, "moved") == 0 && file_is("/fstest/rd3/moved", "four"));
    CHECK_ERRNO("rename missing", rename("/fstest/nothing", "/fstest/x"), ENOENT);
    close(a);
    close(b);
}

static void links(void) {
    struct stat st, st2;
    write_file("/fstest/target", "target");
    CHECK("symlink", symlink("target", "/fstest/sl") == 0);
    char buffer[64] = {0};
    CHECK("readlink",
          readlink("/fstest/sl", buffer, sizeof buffer) == 6 && memcmp(buffer, "target", 6) == 0);
    CHECK("stat follows the link",
          stat("/fstest/sl", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 6);
    CHECK("lstat sees the link",
          lstat("/fstest/sl", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 6);
    CHECK("read through the link", file_is("/fstest/sl", "target"));
    CHECK_ERRNO("symlink existing", symlink("x", "/fstest/sl"), EEXIST);
    CHECK_ERRNO("symlink empty target", symlink("", "/fstest/sl2"), ENOENT);
    int dirfd = open("/fstest", O_RDONLY | O_DIRECTORY);
    CHECK("symlinkat",
          symlinkat("/fstest/target", dirfd, "sl3") == 0 && file_is("/fstest/sl3", "target"));
    CHECK("link", link("/fstest/target", "/fstest/hard") == 0);
    CHECK("link shares the inode", stat("/fstest/target", &st) == 0 &&
                                       stat("/fstest/hard", &st2) == 0 && st.st_ino == st2.st_ino &&
                                       st.st_nlink == 2 && st2.st_nlink == 2);
    write_file("/fstest/hard", "changed");
    CHECK("write through one name shows in the other", file_is("/fstest/target", "changed"));
    CHECK("unlink one name", unlink("/fstest/target") == 0 && stat("/fstest/hard", &st) == 0 &&
                                 st.st_nlink == 1 && file_is("/fstest/hard", "changed"));
    CHECK_ERRNO("link a directory", link("/fstest/d", "/fstest/dlink"), EPERM);
    CHECK_ERRNO("link onto existing", link("/fstest/hard", "/fstest/a"), EEXIST);
    CHECK("linkat",
          linkat(dirfd, "hard", dirfd, "hard2", 0) == 0 && file_is("/fstest/hard2", "changed"));
    CHECK_ERRNO("dangling symlink", stat("/fstest/sl", &st), ENOENT);
    close(dirfd);
}

static void times(void) {
    struct stat st;
    write_file("/fstest/time", "t");
    struct timespec ts[2] = {{1000000000, 123456789}, {1500000000, 987654321}};
    CHECK("utimensat", utimensat(AT_FDCWD, "/fstest/time", ts, 0) == 0 &&
                           stat("/fstest/time", &st) == 0 && st.st_atim.tv_sec == 1000000000 &&
                           st.st_mtim.tv_sec == 1500000000 && st.st_mtim.tv_nsec / 1000 == 987654 &&
                           st.st_atim.tv_nsec / 1000 == 123456);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {1600000000, 0}};
    CHECK("UTIME_OMIT", utimensat(AT_FDCWD, "/fstest/time", omit, 0) == 0 &&
                            stat("/fstest/time", &st) == 0 && st.st_atim.tv_sec == 1000000000 &&
                            st.st_mtim.tv_sec == 1600000000);
    time_t now = time(NULL);
    struct timespec now_ts[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
    CHECK("UTIME_NOW", utimensat(AT_FDCWD, "/fstest/time", now_ts, 0) == 0 &&
                           stat("/fstest/time", &st) == 0 && st.st_mtim.tv_sec >= now - 2 &&
                           st.st_mtim.tv_sec <= now + 2);
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    CHECK_ERRNO("utimensat bad nsec", utimensat(AT_FDCWD, "/fstest/time", bad, 0), EINVAL);
    struct timeval tv[2] = {{1200000000, 500000}, {1300000000, 250000}};
    CHECK("utimes", utimes("/fstest/time", tv) == 0 && stat("/fstest/time", &st) == 0 &&
                        st.st_mtim.tv_sec == 1300000000 && st.st_mtim.tv_nsec / 1000 == 250000);
    int dirfd = open("/fstest", O_RDONLY | O_DIRECTORY);
    tv[1].tv_sec = 1400000000;
    CHECK("futimesat", futimesat(dirfd, "time", tv) == 0 && stat("/fstest/time", &st) == 0 &&
                           st.st_mtim.tv_sec == 1400000000);
    close(dirfd);
    int fd = open("/fstest/time", O_RDWR);
    CHECK("futimens",
          futimens(fd, ts) == 0 && fstat(fd, &st) == 0 && st.st_mtim.tv_sec == 1500000000);
    CHECK("write updates mtime",
          write(fd, "u", 1) == 1 && fstat(fd, &st) == 0 && st.st_mtim.tv_sec >= now - 2);
    CHECK("fsync", fsync(fd) == 0);
    CHECK("fdatasync", fdatasync(fd) == 0);
    CHECK("syncfs", syncfs(fd) == 0);
    sync();
    CHECK("mtime survives sync", fstat(fd, &st) == 0 && st.st_mtim.tv_sec >= now - 2);
    close(fd);
    CHECK_ERRNO("fsync bad fd", fsync(999), EBADF);
}

static void modes(void) {
    struct stat st;
    CHECK("umask starts at 022", umask(077) == 022);
    int fd = open("/fstest/private", O_CREAT | O_WRONLY, 0666);
    CHECK("umask applies to new files",
          fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0600);
    CHECK("umask applies to mkdir", mkdir("/fstest/private-dir", 0777) == 0 &&
                                        stat("/fstest/private-dir", &st) == 0 &&
                                        (st.st_mode & 07777) == 0700 && S_ISDIR(st.st_mode));
    CHECK("umask returns the previous mask", umask(022) == 077);
    CHECK("fchmod", fchmod(fd, 0751) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0751 &&
                        S_ISREG(st.st_mode));
    close(fd);
    CHECK("chmod", chmod("/fstest/private", 04640) == 0 && stat("/fstest/private", &st) == 0 &&
                       (st.st_mode & 07777) == 04640);
    int dirfd = open("/fstest", O_RDONLY | O_DIRECTORY);
    CHECK("fchmodat", fchmodat(dirfd, "private", 0600, 0) == 0 &&
                          stat("/fstest/private", &st) == 0 && (st.st_mode & 07777) == 0600);
    close(dirfd);
    CHECK_ERRNO("chmod missing", chmod("/fstest/none", 0600), ENOENT);
}

static void unnamed_and_orphans(void) {
    struct stat st;
    int fd = open("/fstest", O_TMPFILE | O_RDWR, 0600);
    CHECK("O_TMPFILE", fd >= 0 && write(fd, "temporary", 9) == 9);
    char buffer[16] = {0};
    CHECK("O_TMPFILE reads back",
          pread(fd, buffer, 9, 0) == 9 && memcmp(buffer, "temporary", 9) == 0);
    CHECK("O_TMPFILE has no links", fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 9);
    CHECK("linkat AT_EMPTY_PATH names it",
          linkat(fd, "", AT_FDCWD, "/fstest/named", AT_EMPTY_PATH) == 0 &&
              file_is("/fstest/named", "temporary") && fstat(fd, &st) == 0 && st.st_nlink == 1);
    close(fd);
    CHECK_ERRNO("O_TMPFILE read-only", open("/fstest", O_TMPFILE | O_RDONLY, 0600), EINVAL);
    CHECK_ERRNO("O_TMPFILE on a file", open("/fstest/a", O_TMPFILE | O_RDWR, 0600), ENOTDIR);
    fd = open("/fstest", O_TMPFILE | O_RDWR | O_EXCL, 0600);
    CHECK_ERRNO("O_TMPFILE|O_EXCL cannot be linked",
                linkat(fd, "", AT_FDCWD, "/fstest/named2", AT_EMPTY_PATH), ENOENT);
    close(fd);

    static char big[100000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7);
    fd = open("/fstest/open-unlinked", O_CREAT | O_RDWR, 0644);
    CHECK("write before unlink", write(fd, big, sizeof big) == (ssize_t)sizeof big);
    CHECK("unlink while open",
          unlink("/fstest/open-unlinked") == 0 && stat("/fstest/open-unlinked", &st) == -1);
    static char back[100000];
    CHECK("unlinked file still reads", pread(fd, back, sizeof back, 0) == (ssize_t)sizeof back &&
                                           memcmp(big, back, sizeof big) == 0);
    CHECK("unlinked file still writes", pwrite(fd, "late", 4, 10) == 4 &&
                                            pread(fd, back, 4, 10) == 4 &&
                                            memcmp(back, "late", 4) == 0);
    CHECK("unlinked file has no links", fstat(fd, &st) == 0 && st.st_nlink == 0);
    write_file("/fstest/replaced", "old");
    int old = open("/fstest/replaced", O_RDONLY);
    write_file("/fstest/replacement", "new");
    CHECK("rename over an open file", rename("/fstest/replacement", "/fstest/replaced") == 0 &&
                                          file_is("/fstest/replaced", "new"));
    CHECK("replaced file still reads",
          pread(old, buffer, 3, 0) == 3 && memcmp(buffer, "old", 3) == 0);
    close(old);
    close(fd);
}

static void listing_and_space(void) {
    mkdir("/fstest/many", 0755);
    char path[64];
    for (int i = 0; i < 40; i++) {
        snprintf(path, sizeof path, "/fstest/many/f%02d", i);
        write_file(path, "x");
    }
    /* Remove every entry while reading the directory: none may be skipped or seen twice. */
    DIR* dir = opendir("/fstest/many");
    int seen[40] = {0}, count = 0, bad = 0;
    struct dirent* e;
    int fd_of_dir = dirfd(dir);
    while ((e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        int i = atoi(e->d_name + 1);
        if (i < 0 || i >= 40 || seen[i]++)
            bad++;
        count++;
        if (unlinkat(fd_of_dir, e->d_name, 0) != 0)
            bad++;
    }
    closedir(dir);
    CHECK("getdents while unlinking sees each entry once", count == 40 && bad == 0);
    CHECK("directory empty afterwards", rmdir("/fstest/many") == 0);
    write_file("/fstest/new-entry", "n");
    dir = opendir("/fstest");
    int found = 0;
    while ((e = readdir(dir)))
        if (strcmp(e->d_name, "new-entry") == 0 && e->d_type == DT_REG)
            found = 1;
    closedir(dir);
    CHECK("getdents sees new entries", found);

    struct statfs before, after;
    CHECK("statfs", statfs("/fstest", &before) == 0 && before.f_bsize == 4096 &&
                        before.f_blocks > 0 && before.f_bfree <= before.f_blocks &&
                        before.f_namelen == 255);
    int fd = open("/fstest/space", O_CREAT | O_RDWR, 0644);
    static char chunk[256 * 1024];
    CHECK("write 256 KiB", write(fd, chunk, sizeof chunk) == (ssize_t)sizeof chunk);
    CHECK("fstatfs free space shrinks",
          fstatfs(fd, &after) == 0 && after.f_bfree + 60 <= before.f_bfree);
    struct stat st;
    CHECK("st_blocks", fstat(fd, &st) == 0 && st.st_blocks == 512);
    close(fd);
    CHECK("unlink frees space", unlink("/fstest/space") == 0);
    sync();
    CHECK("space comes back after sync",
          statfs("/fstest", &after) == 0 && after.f_bfree + 2 >= before.f_bfree);
}

/* The byte a file written by cached_reads() holds at `offset`. */
static char pattern_at(long offset) {
    return (char)('A' + (offset * 7 + offset / 4096) % 26);
}

static int matches_pattern(const char* buffer, long offset, long length) {
    for (long i = 0; i < length; i++)
        if (buffer[i] != pattern_at(offset + i))
            return 0;
    return 1;
}

static int all_zero(const char* buffer, long length) {
    for (long i = 0; i < length; i++)
        if (buffer[i])
            return 0;
    return 1;
}

/* Reads through the page cache: a 300 KiB file written in odd-sized pieces reads back the same in
 * other odd sizes, again after re-reading, across writes into cached pages, holes and truncation.
 */
static void cached_reads(void) {
    enum { SIZE = 300 * 1024 + 123 };
    static char data[SIZE], got[SIZE];
    for (long i = 0; i < SIZE; i++)
        data[i] = pattern_at(i);
    int fd = open("/fstest/cached", O_CREAT | O_RDWR | O_TRUNC, 0644);
    long done = 0;
    for (long piece = 1; done < SIZE; piece = piece * 3 + 1) {
        long n = piece < SIZE - done ? piece % 20000 + 1 : SIZE - done;
        if (write(fd, data + done, (size_t)n) != n)
            break;
        done += n;
    }
    CHECK("write 300 KiB in odd pieces", done == SIZE);
    int same = 1;
    for (int round = 0; round < 2; round++) {
        const long sizes[] = {1, 4095, 4097, 65536 + 3, 12345};
        long at = 0;
        for (int k = 0; at < SIZE; k++) {
            long n = sizes[k % 5] < SIZE - at ? sizes[k % 5] : SIZE - at;
            if (pread(fd, got + at, (size_t)n, at) != n) {
                same = 0;
                break;
            }
            at += n;
        }
        same = same && memcmp(got, data, SIZE) == 0;
    }
    CHECK("pread in odd sizes reads it back twice", same);
    char small[64];
    CHECK("pread across a page boundary",
          pread(fd, small, 64, 8192 - 30) == 64 && matches_pattern(small, 8192 - 30, 64));
    CHECK("pwrite into a cached page is read back",
          pwrite(fd, "changed", 7, 4096 + 4090) == 7 && pread(fd, small, 14, 4096 + 4086) == 14 &&
              memcmp(small + 4, "changed", 7) == 0 && matches_pattern(small, 4096 + 4086, 4) &&
              matches_pattern(small + 11, 4096 + 4097, 3));
    /* A hole after the end, then truncation into a cached page and growth again. */
    CHECK("pwrite past the end leaves a hole of zeros",
          pwrite(fd, "end", 3, SIZE + 10000) == 3 && pread(fd, got, 10003, SIZE) == 10003 &&
              all_zero(got, 10000) && memcmp(got + 10000, "end", 3) == 0);
    CHECK("ftruncate into a cached page", ftruncate(fd, 5000) == 0 &&
                                              pread(fd, got, 8192, 0) == 5000 &&
                                              matches_pattern(got + 4096 + 10, 4096 + 10, 100));
    CHECK("growing again reads zeros after the old end",
          ftruncate(fd, 12288) == 0 && pread(fd, got, 12288, 0) == 12288 &&
              matches_pattern(got, 0, 4096) && all_zero(got + 5000, 12288 - 5000));
    int append = open("/fstest/cached", O_WRONLY | O_APPEND);
    CHECK("O_APPEND writes after the cached end",
          write(append, "tail", 4) == 4 && pread(fd, small, 8, 12288 - 4) == 8 &&
              all_zero(small, 4) && memcmp(small + 4, "tail", 4) == 0);
    close(append);
    struct stat st;
    CHECK("size after append", fstat(fd, &st) == 0 && st.st_size == 12292);
    close(fd);
    unlink("/fstest/cached");
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (mkdir("/fstest", 0755) != 0) {
        printf("FAIL mkdir /fstest: %s\n", strerror(errno));
        return 1;
    }
    open_write_read();
    truncate_and_allocate();
    directories();
    renames();
    links();
    times();
    modes();
    unnamed_and_orphans();
    cached_reads();
    listing_and_space();
    printf("%s: %d failures\n", g_failures ? "FAILED" : "PASSED", g_failures);
    return g_failures ? 1 : 0;
}
