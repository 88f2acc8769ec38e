// serial.h: the 16550 UART console on COM1, and the exit channel on COM2 that ops reads.
#pragma once

void serial_init();
void serial_put_char(char c);
void serial_write(const char* s, unsigned long length);

// Writes one line to COM2, the exit channel (see docs/exit-status.md).
void exit_channel_write(const char* line);
