/* exit_code.c: exits with the status given as argv[1] (0 without arguments), after printing
 * "exiting with <n>", so a test can check that the status reaches the host unchanged. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
    int code = argc > 1 ? atoi(argv[1]) : 0;
    printf("exiting with %d\n", code);
    fflush(stdout);
    exit(code);
}
