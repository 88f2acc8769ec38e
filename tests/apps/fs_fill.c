/* fs_fill.c: a full filesystem. Writes /keep (synced), then fills /fill until write fails with
 * ENOSPC, and checks that /keep is intact, that the failure is clean (short write, then
 * ENOSPC), that removing /fill gives the space back, and prints "ok <check>" / "FAIL <check>"
 * lines. Exits 0 iff nothing failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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

static char g_chunk[64 * 1024];

static int keep_intact(void) {
    static char buffer[10000];
    int fd = open("/keep", O_RDONLY);
    if (fd < 0 || read(fd, buffer, sizeof buffer) != (ssize_t)sizeof buffer)
        return 0;
    close(fd);
    for (size_t i = 0; i < sizeof buffer; i++)
        if (buffer[i] != (char)('a' + i % 26))
            return 0;
    return 1;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    static char keep[10000];
    for (size_t i = 0; i < sizeof keep; i++)
        keep[i] = (char)('a' + i % 26);
    int fd = open("/keep", O_CREAT | O_WRONLY, 0644);
    report("write /keep", write(fd, keep, sizeof keep) == (ssize_t)sizeof keep && fsync(fd) == 0);
    close(fd);

    memset(g_chunk, 'F', sizeof g_chunk);
    fd = open("/fill", O_CREAT | O_WRONLY, 0644);
    long long total = 0;
    ssize_t n;
    int saw_enospc = 0;
    for (int i = 0; i < 100000; i++) {
        n = write(fd, g_chunk, sizeof g_chunk);
        if (n < 0) {
            saw_enospc = errno == ENOSPC;
            break;
        }
        total += n;
    }
    report("write fails with ENOSPC", saw_enospc);
    printf("filled %lld bytes\n", total);
    struct stat st;
    report("the file holds what was written", fstat(fd, &st) == 0 && st.st_size == total);
    errno = 0;
    report("ENOSPC again", write(fd, g_chunk, 1024) == -1 && errno == ENOSPC);
    report("fsync after ENOSPC", fsync(fd) == 0);
    close(fd);
    report("/keep intact after ENOSPC", keep_intact());
    report("remove /fill", unlink("/fill") == 0);
    fd = open("/after", O_CREAT | O_WRONLY, 0644);
    report("space is usable again",
           fd >= 0 && write(fd, g_chunk, sizeof g_chunk) == (ssize_t)sizeof g_chunk &&
               fsync(fd) == 0);
    close(fd);
    report("/keep intact at the end", keep_intact());
    printf("%s: %d failures\n", g_failures ? "FAILED" : "PASSED", g_failures);
    return g_failures ? 1 : 0;
}
