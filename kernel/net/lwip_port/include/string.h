/* string.h: the few C string functions lwIP uses, implemented by kernel/lib/string.cpp and
 * kernel/net/lwip_port/lwip_port.cpp (lwIP is compiled without any libc headers). */
#ifndef OPS_LWIP_STRING_H
#define OPS_LWIP_STRING_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
int strncmp(const char* a, const char* b, size_t n);
#ifdef __cplusplus
}
#endif
#endif
