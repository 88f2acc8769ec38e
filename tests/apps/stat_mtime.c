/* stat_mtime.c: prints "mtime <seconds> <nanoseconds>" and "atime ..." of each path given as an
 * argument (stat(2)), or "FAIL stat <path>" when it cannot. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char** argv) {
    int failures = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            printf("FAIL stat %s (errno %d %s)\n", argv[i], errno, strerror(errno));
            failures++;
            continue;
        }
        printf("mtime %lld %ld\n", (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
        printf("atime %lld %ld\n", (long long)st.st_atim.tv_sec, (long)st.st_atim.tv_nsec);
    }
    return failures ? 1 : 0;
}
