/* efault.c: bad user pointers must fail with EFAULT, never crash the kernel or the program
 * (the counterpart of SerenityOS's TestEFault). Prints "<call> = <-errno>" for each case and
 * exits 0 iff every one returned -EFAULT (-14). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int g_failures;

static void report(const char* call, long result) {
    long value = result < 0 ? -errno : result;
    printf("%s = %ld\n", call, value);
    if (value != -EFAULT)
        g_failures++;
}

int main(void) {
    /* A pointer in the never-mapped first page (volatile, so the compiler cannot see it). */
    const void* volatile low = (const void*)1;
    report("write(1, 0x1, 10)", write(1, low, 10));

    /* A pointer into the kernel half: must be refused before anything touches it. */
    report("write(1, 0xffff800000000000, 10)",
           syscall(SYS_write, 1, (void*)(uintptr_t)0xffff800000000000ull, 10));

    /* A buffer that was mapped and then unmapped, filled from /dev/zero, so the kernel really
     * has something to copy out. */
    int zero = open("/dev/zero", O_RDONLY);
    if (zero < 0) {
        printf("open /dev/zero failed: errno %d\n", errno);
        return 1;
    }
    void* page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED || munmap(page, 4096) != 0) {
        printf("mmap setup failed: errno %d\n", errno);
        return 1;
    }
    report("read(/dev/zero, unmapped, 3)", syscall(SYS_read, zero, page, 3));

    return g_failures ? 1 : 0;
}
