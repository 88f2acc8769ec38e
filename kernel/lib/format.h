// format.h: printf-style formatting into a buffer or the console (kprintf). Supports the
// conversions the kernel uses: %d %i %u %x %X %p %s %c %%, flags 0 and -, widths, l/ll/z.
#pragma once

#include "lib/types.h"
#include <stdarg.h>

// Formats into buf (always NUL-terminated when size > 0); returns the length that was needed.
size_t vformat(char* buf, size_t size, const char* fmt, va_list args);
size_t format(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

// Writes to the kernel console (the serial port). Safe in any context once serial is set up.
void kprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vkprintf(const char* fmt, va_list args);
