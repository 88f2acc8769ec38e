// sysinfo.c: sysinfo() reports plausible uptime, memory and task counts, consistent with
// sysconf (which glibc answers from sysinfo) and with a second thread running.
#include <pthread.h>
#include <stdio.h>
#include <sys/sysinfo.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char* what) {
    printf("%s %s\n", ok ? "ok" : "FAIL", what);
    failures += !ok;
}

static void* idle(void* argument) {
    pause();
    return argument;
}

int main(void) {
    struct sysinfo before, after;
    check(sysinfo(&before) == 0, "sysinfo");
    check(before.mem_unit == 1, "mem_unit 1: sizes in bytes, as 64-bit Linux reports");
    check(before.totalram > 16 * 1024 * 1024 && before.freeram > 0 &&
              before.freeram <= before.totalram,
          "free RAM within total RAM");
    check(before.uptime < 600, "uptime since boot");
    check(before.totalswap == 0 && before.freeswap == 0, "no swap");
    check(before.procs >= 1, "at least one task");
    pthread_t thread;
    pthread_create(&thread, NULL, idle, NULL);
    check(sysinfo(&after) == 0 && after.procs == before.procs + 1, "a new thread is a new task");
    check(sysinfo((struct sysinfo*)8) == -1, "bad pointer fails");
    printf("sysinfo: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
