// segment_offload.cpp: large TCP segments for interfaces that cut them (segment_offload.h). The
// wire MSS is kept in one of the pcb's extension arguments (LWIP_TCP_PCB_NUM_EXT_ARGS), which
// lwIP frees with the pcb, so a connection the program closed while data is still queued keeps it.
#include "net/segment_offload.h"
#include "net/interface.h"

#include "lwip/ip.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

namespace segment_offload {

namespace {

u8 g_id = 0xff; // extension argument slot, allocated on first use

u8 slot() {
    if (g_id == 0xff)
        g_id = tcp_ext_arg_alloc_id();
    return g_id;
}

u16 read_be16(const u8* p) {
    return u16(p[0] << 8 | p[1]);
}

} // namespace

void apply(tcp_pcb* pcb, u16 mss) {
    netif* out = ip_route(&pcb->local_ip, &pcb->remote_ip);
    // IPv4 only: a router advertisement may lower the interface's IPv6 MTU under lwIP
    // (LWIP_ND6_ALLOW_RA_UPDATES), and lwIP's IPv6 layer would then fragment large segments.
    if (!out || !interface_segments_tcp(out) || !IP_IS_V4(&pcb->remote_ip)) {
        tcp_ext_arg_set(pcb, slot(), nullptr);
        pcb->mss = mss;
        return;
    }
    tcp_ext_arg_set(pcb, slot(), reinterpret_cast<void*>(uptr(mss)));
    pcb->mss = LARGE_SEGMENT;
}

u16 wire_mss(const tcp_pcb* pcb) {
    auto stored = u16(reinterpret_cast<uptr>(tcp_ext_arg_get(pcb, slot())));
    return stored ? stored : pcb->mss;
}

u16 wire_mss_for_frame(const u8* frame, size_t length) {
    constexpr size_t ETHERNET = 14;
    ip_addr_t source, destination;
    size_t tcp;
    u16 type = length >= ETHERNET ? read_be16(frame + 12) : 0;
    if (type == 0x0800 && length >= ETHERNET + 20) {
        const u8* ip = frame + ETHERNET;
        tcp = ETHERNET + (ip[0] & 0xf) * 4u;
        IP_ADDR4(&source, ip[12], ip[13], ip[14], ip[15]);
        IP_ADDR4(&destination, ip[16], ip[17], ip[18], ip[19]);
    } else if (type == 0x86dd && length >= ETHERNET + 40) {
        const u8* ip = frame + ETHERNET;
        tcp = ETHERNET + 40;
        u32 words[8];
        for (int i = 0; i < 8; i++)
            words[i] = u32(ip[8 + 4 * i]) | u32(ip[9 + 4 * i]) << 8 | u32(ip[10 + 4 * i]) << 16 |
                       u32(ip[11 + 4 * i]) << 24; // network order in memory, as lwIP keeps it
        IP_ADDR6(&source, words[0], words[1], words[2], words[3]);
        IP_ADDR6(&destination, words[4], words[5], words[6], words[7]);
        ip6_addr_clear_zone(ip_2_ip6(&source));
        ip6_addr_clear_zone(ip_2_ip6(&destination));
    } else {
        return 0;
    }
    if (tcp + 20 > length)
        return 0;
    u16 source_port = read_be16(frame + tcp), destination_port = read_be16(frame + tcp + 2);
    for (tcp_pcb* pcb = tcp_active_pcbs; pcb; pcb = pcb->next) {
        if (pcb->local_port != source_port || pcb->remote_port != destination_port)
            continue;
        if (!ip_addr_cmp_zoneless(&pcb->remote_ip, &destination) ||
            !ip_addr_cmp_zoneless(&pcb->local_ip, &source))
            continue;
        return u16(reinterpret_cast<uptr>(tcp_ext_arg_get(pcb, slot())));
    }
    return 0;
}

} // namespace segment_offload
