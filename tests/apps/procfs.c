/* procfs.c: the /proc and /sys files runtimes read. One "ok <name>" line per check; exits 0 iff
 * all pass (on Linux too). */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int g_failures;

static void check(const char* name, int ok) {
    printf("%s %s\n", ok ? "ok" : "FAIL", name);
    if (!ok)
        g_failures++;
}

static int file_contains(const char* path, const char* needle) {
    FILE* f = fopen(path, "r");
    if (!f)
        return 0;
    static char buffer[1 << 16];
    size_t n = fread(buffer, 1, sizeof(buffer) - 1, f);
    buffer[n] = 0;
    fclose(f);
    return strstr(buffer, needle) != NULL;
}

int main(int argc, char** argv) {
    (void)argc;
    char exe[4096] = {0};
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    const char* base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    check("proc_self_exe", n > 0 && strstr(exe, base) != NULL);
    check("proc_self_maps", file_contains("/proc/self/maps", "[stack]") &&
                                file_contains("/proc/self/maps", base));
    check("proc_meminfo", file_contains("/proc/meminfo", "MemTotal:"));
    check("proc_cpuinfo", file_contains("/proc/cpuinfo", "processor"));
    check("proc_stat", file_contains("/proc/stat", "cpu"));
    check("proc_self_status", file_contains("/proc/self/status", "Threads:"));
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    check("sys_cpu_online", file_contains("/sys/devices/system/cpu/online", "0") && online >= 1);
    int fds = 0, has_stdout = 0;
    DIR* d = opendir("/proc/self/fd");
    struct dirent* e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            fds++;
            if (strcmp(e->d_name, "1") == 0)
                has_stdout = 1;
        }
    if (d)
        closedir(d);
    check("proc_self_fd", fds >= 3 && has_stdout);
    printf("cpus %ld\n", online);
    printf(g_failures ? "procfs: FAIL\n" : "procfs: ok\n");
    return g_failures ? 1 : 0;
}
