// panic.h: fatal kernel errors. panic() prints the reason and a backtrace, reports "panic" on
// the exit channel and stops the VM.
#pragma once

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

#define ASSERT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) [[unlikely]]                                                                  \
            panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__);                     \
    } while (0)
