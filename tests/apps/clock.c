/* clock.c: time through the vDSO. Reads CLOCK_MONOTONIC and CLOCK_REALTIME many times (they
 * must never go backwards), gettimeofday and time; prints "vdso yes" when the kernel provided
 * one (AT_SYSINFO_EHDR). Under `ops run --trace` none of these calls may appear as a syscall. */
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <time.h>

int main(void) {
    struct timespec previous, now;
    int backwards = 0;
    clock_gettime(CLOCK_MONOTONIC, &previous);
    for (int i = 0; i < 10000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec < previous.tv_sec ||
            (now.tv_sec == previous.tv_sec && now.tv_nsec < previous.tv_nsec))
            backwards++;
        previous = now;
    }
    struct timespec real;
    clock_gettime(CLOCK_REALTIME, &real);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    int consistent = real.tv_sec > 1577836800 && tv.tv_sec >= real.tv_sec && t >= real.tv_sec &&
                     tv.tv_sec - real.tv_sec < 5;
    printf("vdso %s\n", getauxval(AT_SYSINFO_EHDR) ? "yes" : "no");
    printf("monotonic backwards %d\n", backwards);
    printf("realtime consistent %s\n", consistent ? "yes" : "no");
    return backwards == 0 && consistent ? 0 : 1;
}
