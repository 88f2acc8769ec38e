/* lwipopts.h: how lwIP 2.1.3 is configured inside the ops kernel (see lwip/opt.h for every
 * option). NO_SYS: no lwIP threads; every lwIP call happens with the big kernel lock held and
 * interrupts off on the calling CPU (kernel/net/stack.h). Memory comes from the kernel heap, so
 * there are no fixed pools to run out of; TCP windows are sized for a fast virtio link. */
#ifndef OPS_LWIPOPTS_H
#define OPS_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0

/* Memory: the kernel heap for everything (kernel/net/lwip_port/lwip_port.c). */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8
#define mem_clib_malloc ops_lwip_malloc
#define mem_clib_free ops_lwip_free
#define mem_clib_calloc ops_lwip_calloc
#define PBUF_POOL_BUFSIZE 1536
/* Received frames are pbufs pointing into virtio-net's receive buffers (net/interface.cpp). */
#define LWIP_SUPPORT_CUSTOM_PBUF 1

/* Interfaces. */
#define LWIP_SINGLE_NETIF 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_LOOPBACK_MAX_PBUFS 0
#define LWIP_NETIF_TX_SINGLE_PBUF 0
#define ETH_PAD_SIZE 0
#define LWIP_ARP 1
#define ARP_TABLE_SIZE 32
#define ARP_QUEUEING 1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0

/* IPv4, DHCP, ICMP, UDP. */
#define LWIP_IPV4 1
#define LWIP_DHCP 1
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define LWIP_AUTOIP 0
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_IGMP 1
#define LWIP_DNS 0
#define IP_REASSEMBLY 1
#define IP_REASS_MAX_PBUFS 64 /* a 64 KiB datagram in 1500-byte fragments is 45 (default 10) */
#define IP_FRAG 1
#define IP_DEFAULT_TTL 64
#define LWIP_BROADCAST_PING 0

/* IPv6: link-local and SLAAC. */
#define LWIP_IPV6 1
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_MLD 1
#define LWIP_IPV6_DHCP6 0
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 1
#define LWIP_ND6_ALLOW_RA_UPDATES 1
#define LWIP_IPV6_NUM_ADDRESSES 3
#define LWIP_ICMP6 1
#define IPV6_FRAG_COPYHEADER 1 /* pointers are 8 bytes: the reassembly helper does not fit */

/* TCP: window scaling and buffers sized for a virtio link; SO_REUSEADDR and keepalive. */
#define LWIP_TCP 1
#define TCP_MSS 1460
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 4
#define TCP_WND (256 * 1024)
#define TCP_SND_BUF (256 * 1024)
#define TCP_SND_QUEUELEN 1024
#define TCP_SNDLOWAT (32 * 1024) /* lwIP checks it against a u16_t */
#define TCP_SNDQUEUELOWAT (TCP_SND_QUEUELEN / 4)
#define MEMP_NUM_TCP_SEG 4096
#define TCP_QUEUE_OOSEQ 1
#define TCP_OOSEQ_MAX_BYTES (512 * 1024)
#define TCP_OOSEQ_MAX_PBUFS 512
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 0xff
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_TCP_TIMESTAMPS 0
#define TCP_OVERSIZE TCP_MSS
#define LWIP_TCP_SACK_OUT 0
#define LWIP_TCP_PCB_NUM_EXT_ARGS 1 /* the wire MSS of large segments (net/segment_offload.cpp) */
#define SO_REUSE 1
#define SO_REUSE_RXTOALL 1
#define LWIP_CALLBACK_API 1
#define LWIP_EVENT_API 0
#define MEMP_NUM_TCP_PCB 4096
#define MEMP_NUM_TCP_PCB_LISTEN 256
#define MEMP_NUM_UDP_PCB 256

/* Checksums: computed in software unless the device offloads them. kernel/net/interface.cpp
 * turns NETIF_CHECKSUM_GEN_TCP off when virtio-net completes partial checksums, and the TCP/UDP
 * checks off for each received frame the device vouches for (DATA_VALID, NEEDS_CSUM). */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define LWIP_CHECKSUM_ON_COPY 0

/* Nothing we do not use. */
#define LWIP_STATS 0
#define LWIP_STATS_DISPLAY 0
#define PPP_SUPPORT 0
#define LWIP_SNMP 0
#define LWIP_MULTICAST_TX_OPTIONS 1
#define LWIP_NETIF_REMOVE_CALLBACK 0
#define LWIP_DEBUG 0

#endif /* OPS_LWIPOPTS_H */
