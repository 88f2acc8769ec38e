/* sleeper.c: a program that stays up, for the instance lifecycle tests: prints "sleeping" and
 * sleeps with nanosleep in a loop, for at most 60 s in all (so a forgotten instance ends by
 * itself), then exits 0. */
#include <stdio.h>
#include <time.h>

int main(void) {
    printf("sleeping\n");
    fflush(stdout);
    for (int second = 0; second < 60; second++) {
        struct timespec one = {1, 0};
        nanosleep(&one, NULL);
    }
    printf("done sleeping\n");
    return 0;
}
