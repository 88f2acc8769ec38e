// string.h: the memory and string primitives the compiler and the kernel need (no libc here).
#pragma once

#include "lib/types.h"

extern "C" {
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
}

size_t strnlen(const char* s, size_t max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
bool str_equal(const char* a, const char* b);
bool starts_with(const char* s, const char* prefix);
