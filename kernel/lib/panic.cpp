// panic.cpp: stop the machine with a message.
#include "lib/panic.h"
#include "arch/x86_64/cpu.h"
#include "dev/serial.h"
#include "lib/format.h"

void panic(const char* fmt, ...) {
    cpu::disable_interrupts();
    kprintf("\nkernel panic: ");
    va_list args;
    va_start(args, fmt);
    vkprintf(fmt, args);
    va_end(args);
    kprintf("\n");
    exit_channel_write("panic");
    cpu::outl(0xf4, 0);
    for (;;)
        cpu::halt();
}
