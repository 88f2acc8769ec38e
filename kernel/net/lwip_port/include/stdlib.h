/* stdlib.h: what lwIP takes from stdlib (atoi, in netif_find), implemented in lwip_port.cpp. */
#ifndef OPS_LWIP_STDLIB_H
#define OPS_LWIP_STDLIB_H
#ifdef __cplusplus
extern "C" {
#endif
int atoi(const char* s);
#ifdef __cplusplus
}
#endif
#endif
