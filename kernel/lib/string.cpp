// string.cpp: memory and string primitives (kernel has no libc). rep movs/stos are fast on
// every x86-64 CPU we target and need no SSE.
#include "lib/string.h"

extern "C" {

void* memcpy(void* dst, const void* src, size_t n) {
    void* d = dst;
    asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
    auto* d = static_cast<u8*>(dst);
    auto* s = static_cast<const u8*>(src);
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    for (size_t i = n; i > 0; i--)
        d[i - 1] = s[i - 1];
    return dst;
}

void* memset(void* dst, int c, size_t n) {
    void* d = dst;
    asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
    auto* x = static_cast<const u8*>(a);
    auto* y = static_cast<const u8*>(b);
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
}

size_t strnlen(const char* s, size_t max) {
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char* a, const char* b) {
    while (*a && *a == *b)
        a++, b++;
    return u8(*a) - u8(*b);
}

int strncmp(const char* a, const char* b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || !a[i])
            return u8(a[i]) - u8(b[i]);
    }
    return 0;
}

bool str_equal(const char* a, const char* b) { return strcmp(a, b) == 0; }

bool starts_with(const char* s, const char* prefix) {
    while (*prefix)
        if (*s++ != *prefix++)
            return false;
    return true;
}
