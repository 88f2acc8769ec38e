// serial.cpp: polled 16550 UART output. COM1 is the program's console, COM2 carries the exit
// status line to ops. Output is polled: QEMU's UART accepts bytes as fast as we send them.
#include "dev/serial.h"
#include "arch/x86_64/cpu.h"

namespace {

constexpr u16 COM1 = 0x3f8;
constexpr u16 COM2 = 0x2f8;
constexpr u16 LINE_STATUS = 5;
constexpr u8 TRANSMIT_EMPTY = 0x20;

void init_port(u16 port) {
    cpu::outb(port + 1, 0x00); // no interrupts
    cpu::outb(port + 3, 0x80); // DLAB on
    cpu::outb(port + 0, 0x01); // 115200 baud
    cpu::outb(port + 1, 0x00);
    cpu::outb(port + 3, 0x03); // 8N1, DLAB off
    cpu::outb(port + 2, 0x07); // FIFO on, cleared
}

void put(u16 port, char c) {
    // Bounded wait: a missing UART reads as 0xff and must not hang us.
    for (int i = 0; i < 100000 && !(cpu::inb(port + LINE_STATUS) & TRANSMIT_EMPTY); i++)
        cpu::pause();
    cpu::outb(port, u8(c));
}

} // namespace

void serial_init() {
    init_port(COM1);
    init_port(COM2);
}

// Bytes go out unchanged: the console is the program's stdout, so no "\r\n" translation.
void serial_put_char(char c) { put(COM1, c); }

void serial_write(const char* s, unsigned long length) {
    for (unsigned long i = 0; i < length; i++)
        serial_put_char(s[i]);
}

void exit_channel_write(const char* line) {
    for (; *line; line++)
        put(COM2, *line);
    put(COM2, '\n');
}
