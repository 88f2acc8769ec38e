/* stdio.h: empty; lwIP's diagnostics go through LWIP_PLATFORM_DIAG (arch/cc.h). */
#ifndef OPS_LWIP_STDIO_H
#define OPS_LWIP_STDIO_H
#endif
