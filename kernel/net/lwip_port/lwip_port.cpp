// lwip_port.cpp: what lwIP needs from its platform, in NO_SYS mode: a millisecond clock,
// memory (the kernel heap), randomness (TCP initial sequence numbers, DHCP transaction ids),
// diagnostics and assertions on the console, and the two libc string helpers it calls.
#include <stdarg.h>

#include "lib/format.h"
#include "lib/panic.h"
#include "lib/random.h"
#include "lib/types.h"
#include "mm/heap.h"
#include "time/clock.h"

extern "C" {

u32 sys_now() {
    return u32(monotonic_ns() / 1000000);
}

// lwIP initialises what it allocates (packet buffers are filled before use): no zeroing.
void* ops_lwip_malloc(size_t size) {
    return kmalloc_uninitialized(size);
}
void ops_lwip_free(void* p) {
    kfree(p);
}
void* ops_lwip_calloc(size_t count, size_t size) {
    if (size && count > ~size_t(0) / size)
        return nullptr;
    auto* p = static_cast<u8*>(kmalloc(count * size));
    if (p)
        for (size_t i = 0; i < count * size; i++)
            p[i] = 0;
    return p;
}

unsigned int ops_lwip_random() {
    return unsigned(random_u64());
}

void ops_lwip_diag(const char* format, ...) {
    va_list args;
    va_start(args, format);
    vkprintf(format, args);
    va_end(args);
}

[[noreturn]] void ops_lwip_assert(const char* message, const char* file, int line) {
    panic("lwIP assertion \"%s\" failed at %s:%d", message, file, line);
}

int strncmp(const char* a, const char* b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || !a[i])
            return u8(a[i]) - u8(b[i]);
    }
    return 0;
}

int atoi(const char* s) {
    int sign = 1, value = 0;
    if (*s == '-' || *s == '+')
        sign = *s++ == '-' ? -1 : 1;
    while (*s >= '0' && *s <= '9')
        value = value * 10 + (*s++ - '0');
    return sign * value;
}

} // extern "C"
