/* arch/cc.h: the compiler and platform glue lwIP asks for (lwip/arch.h): fixed-width types from
 * the compiler's own freestanding headers, no libc, diagnostics and assertions through the
 * kernel console (kernel/net/lwip_port/lwip_port.c). */
#ifndef OPS_LWIP_ARCH_CC_H
#define OPS_LWIP_ARCH_CC_H

#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_LIMITS_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1
#define BYTE_ORDER LITTLE_ENDIAN

#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "lu"

#define SSIZE_MAX 0x7fffffffffffffffL
typedef long ssize_t;

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif
void* ops_lwip_malloc(size_t size);
void ops_lwip_free(void* p);
void* ops_lwip_calloc(size_t count, size_t size);
void ops_lwip_diag(const char* format, ...);
void ops_lwip_assert(const char* message, const char* file, int line) __attribute__((noreturn));
unsigned int ops_lwip_random(void);
#ifdef __cplusplus
}
#endif

#define LWIP_PLATFORM_DIAG(x) do { ops_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) ops_lwip_assert((x), __FILE__, __LINE__)
#define LWIP_RAND() ((u32_t)ops_lwip_random())

#endif /* OPS_LWIP_ARCH_CC_H */
