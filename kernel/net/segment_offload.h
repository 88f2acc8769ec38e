// segment_offload.h: TCP segmentation offload. When the interface a connection leaves by can
// cut large segments (virtio-net's HOST_TSO), lwIP is told a large MSS so that it builds
// segments of up to LARGE_SEGMENT bytes, and the MSS the peer may receive (the one lwIP
// negotiated, or TCP_MAXSEG's) is kept beside the pcb: the interface tells the device to cut
// each large frame into segments of that size.
#pragma once

#include "lib/types.h"

struct tcp_pcb;

namespace segment_offload {

// The payload of the largest segment lwIP builds (a frame then still fits a 16-bit pbuf length
// and IPv4's total length, with room for every header and option).
constexpr u16 LARGE_SEGMENT = 63 * 1024;

// Sets the connection's wire MSS and, when it is IPv4 and its interface segments for us, hands
// lwIP the large one. For a connected pcb; again after TCP_MAXSEG changes.
void apply(tcp_pcb* pcb, u16 wire_mss);
// The MSS the peer receives: what apply() was given, else the pcb's own.
u16 wire_mss(const tcp_pcb* pcb);
// The wire MSS of the connection that sends this TCP frame (Ethernet header first; IPv4 or
// IPv6), 0 when no connection with large segments matches.
u16 wire_mss_for_frame(const u8* frame, size_t length);

} // namespace segment_offload
