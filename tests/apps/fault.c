/* fault.c: a program that faults. `fault segv` writes through a null pointer, `fault fpe` divides
 * by zero, `fault ud` runs an invalid instruction. It prints "before <kind>" first; the line after
 * the fault must never appear. */
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
    const char* kind = argc > 1 ? argv[1] : "segv";
    printf("before %s\n", kind);
    fflush(stdout);
    if (strcmp(kind, "segv") == 0) {
        *(volatile int*)0 = 1;
    } else if (strcmp(kind, "fpe") == 0) {
        volatile int zero = 0;
        volatile int x = 100 / zero; /* not 1/x: gcc turns that into a compare */
        (void)x;
    } else if (strcmp(kind, "ud") == 0) {
        __asm__ volatile("ud2");
    }
    printf("after %s\n", kind);
    return 0;
}
