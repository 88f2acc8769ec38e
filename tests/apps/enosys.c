/* enosys.c: an unknown syscall number must return -ENOSYS, not crash. 1023 is far above every
 * syscall Linux x86-64 defines (they end below 500) and below the x32 bit. Prints
 * "syscall(1023) = <-errno>" and exits 0 iff that is -ENOSYS (-38). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#define UNKNOWN_SYSCALL 1023

int main(void) {
    long result = syscall(UNKNOWN_SYSCALL, 1, 2, 3);
    long value = result < 0 ? -errno : result;
    printf("syscall(%d) = %ld\n", UNKNOWN_SYSCALL, value);
    return value == -ENOSYS ? 0 : 1;
}
