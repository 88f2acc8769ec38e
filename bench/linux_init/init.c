/* /init for the Linux comparison guest in bench/boot.sh and bench/syscalls.sh.
 * Runs the program given at build time as /hello (fork + execve), waits for it,
 * passing on the environment the kernel gave /init (key=value words of -append that the
 * kernel does not know, e.g. MICROBENCH_SYSFS=1 for bench/syscalls.sh),
 * then stops QEMU through isa-debug-exit (port 0xf4), the same device ops uses.
 * The guest runs microvm with acpi=off, so reboot(RB_POWER_OFF) would only halt
 * the CPU; isa-debug-exit ends the VM at once. Exit status from QEMU is
 * (value << 1) | 1; we write 0, so QEMU exits with 1 (like ops's kernel). */
#include <sys/io.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(void) {
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"/hello", 0};
        execve("/hello", argv, environ);
        _exit(127);
    }
    if (pid > 0) {
        int st;
        waitpid(pid, &st, 0);
    }
    if (ioperm(0xf4, 4, 1) == 0)
        outb(0, 0xf4);
    reboot(RB_POWER_OFF); /* fallback: halts; QEMU keeps running */
    for (;;) pause();
}
