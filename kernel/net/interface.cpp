// interface.cpp: an lwIP netif per virtio-net device: frames in (interrupt context, as pbufs
// pointing into the device's receive buffers, checksums the device vouches for not checked
// again) and out (read by the device from lwIP's pbufs in place, TCP checksums and the cutting
// of large segments left to the device when it offers that), link-level setup, and the address
// configuration that prints `assigned: <ip>` when an IPv4 address arrives, statically or by DHCP.
#include "net/interface.h"
#include "dev/virtio/net/net.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "net/segment_offload.h"
#include "net/stack.h"

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/ip4.h"
#include "lwip/ip4_addr.h"
#include "lwip/ip4_frag.h"
#include "lwip/ip6.h"
#include "lwip/ip6_frag.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

namespace {

constexpr int MAX_INTERFACES = 4;

struct Interface {
    netif lwip = {};
    virtio::NetDevice* device = nullptr;
    int number = 0; // en<number>
    bool announced = false;
    // The link's MTU. lwIP's netif says more when the device cuts large TCP segments (lwIP's IP
    // layer would fragment them otherwise); other packets larger than this are fragmented here.
    u16 mtu = 1500;
};

Interface* g_interfaces[MAX_INTERFACES];
int g_interface_count;

u16 read_be16(const u8* p) {
    return u16(p[0] << 8 | p[1]);
}

// The ones' complement sum of `length` bytes (even) as big-endian 16-bit words, not folded.
u32 sum_words(const u8* p, size_t length) {
    u32 sum = 0;
    for (size_t i = 0; i + 1 < length; i += 2)
        sum += read_be16(p + i);
    return sum;
}

// With checksum offload lwIP leaves TCP checksums out (the netif's NETIF_CHECKSUM_GEN_TCP is
// off): put the pseudo-header sum in the checksum field and ask the device to finish it from the
// TCP header on ([virtio-v1.1] 5.1.6.2). Other frames are complete already.
void offload_tcp_checksum(u8* frame, size_t length, virtio::NetHeader* header) {
    constexpr u8 TCP = 6;
    constexpr size_t ETHERNET = 14;
    if (length < ETHERNET + 40)
        return;
    u16 type = read_be16(frame + 12);
    u8* ip = frame + ETHERNET;
    size_t start;
    u32 sum;
    if (type == 0x0800) {
        size_t ip_header = (ip[0] & 0xf) * 4u;
        bool fragment = read_be16(ip + 6) & 0x3fff;
        if (ip[9] != TCP || fragment || ip_header < 20)
            return;
        u16 segment = u16(read_be16(ip + 2) - ip_header);
        start = ETHERNET + ip_header;
        sum = sum_words(ip + 12, 8) + TCP + segment;
    } else if (type == 0x86dd) {
        if (ip[6] != TCP) // lwIP sends TCP without extension headers
            return;
        start = ETHERNET + 40;
        sum = sum_words(ip + 8, 32) + TCP + read_be16(ip + 4);
    } else {
        return;
    }
    if (start + 20 > length)
        return;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    frame[start + 16] = u8(sum >> 8);
    frame[start + 17] = u8(sum);
    header->flags = virtio::NetHeader::NEEDS_CSUM;
    header->csum_start = u16(start);
    header->csum_offset = 16; // struct tcp_hdr's chksum
}

// The TCP segment in this frame is larger than the MTU: have the device cut it into segments
// of the connection's wire MSS ([virtio-v1.1] 5.1.6.2.1). The checksum is already partial.
bool offload_segmentation(const u8* frame, size_t length, virtio::NetHeader* header) {
    if (!(header->flags & virtio::NetHeader::NEEDS_CSUM))
        return false;
    u16 mss = segment_offload::wire_mss_for_frame(frame, length);
    if (mss == 0)
        mss = 536; // not found (cannot happen): the size every peer takes
    bool v4 = read_be16(frame + 12) == 0x0800;
    header->gso_type = v4 ? virtio::NetHeader::GSO_TCPV4 : virtio::NetHeader::GSO_TCPV6;
    header->gso_size = mss;
    header->header_length = u16(header->csum_start + (frame[header->csum_start + 12] >> 4) * 4u);
    return true;
}

// An IP packet (in an Ethernet frame) larger than the link's MTU that is not a TCP segment the
// device can cut: fragmented by lwIP's own fragmenter, with the netif's MTU lowered to the
// link's for the call. The fragments come back through link_output.
err_t fragment(Interface* interface, netif* n, pbuf* p) {
    u16 type = read_be16(static_cast<const u8*>(p->payload) + 12);
    if ((type != 0x0800 && type != 0x86dd) || pbuf_remove_header(p, 14))
        return ERR_BUF;
    const auto* ip = static_cast<const u8*>(p->payload);
    u16 mtu = n->mtu, mtu6 = n->mtu6;
    n->mtu = n->mtu6 = interface->mtu;
    err_t err;
    if (type == 0x0800) {
        ip4_addr_t destination;
        memcpy(&destination.addr, ip + 16, 4);
        err = ip4_frag(p, n, &destination);
    } else {
        ip6_addr_t destination;
        memcpy(destination.addr, ip + 24, 16);
        ip6_addr_clear_zone(&destination);
        err = ip6_frag(p, n, &destination);
    }
    n->mtu = mtu;
    n->mtu6 = mtu6;
    pbuf_add_header(p, 14);
    return err;
}

bool is_tcp(const u8* frame, size_t length) {
    if (length < 14 + 40)
        return false;
    u16 type = read_be16(frame + 12);
    return (type == 0x0800 && frame[14 + 9] == 6) || (type == 0x86dd && frame[14 + 6] == 6);
}

// The device reads a frame in place from lwIP's pbufs, which stay referenced until it is done.
// Pbufs whose memory may change after the call (PBUF_REF/ROM: UDP data in a caller's buffer,
// fragments, a received frame sent back) and long chains are first copied into one pbuf.
err_t link_output(netif* n, pbuf* p) {
    auto* interface = static_cast<Interface*>(n->state);
    virtio::NetDevice* device = interface->device;
    if (p->tot_len > 14u + interface->mtu) {
        if (!device->large_send())
            return ERR_BUF;
        if (!is_tcp(static_cast<const u8*>(p->payload), p->len))
            return fragment(interface, n, p);
    }
    bool copy = false;
    int count = 0;
    for (pbuf* q = p; q; q = q->next) {
        if (PBUF_NEEDS_COPY(q) || ++count > virtio::NetDevice::MAX_TRANSMIT_PIECES)
            copy = true;
        if (q->len == 0)
            count--;
    }
    pbuf* frame = p;
    // The headers offload_tcp_checksum() reads and writes must be in the first pbuf.
    if (copy || p->len < min<u32>(p->tot_len, 14 + 60 + 60)) {
        frame = pbuf_alloc(PBUF_RAW, p->tot_len, PBUF_RAM);
        if (!frame)
            return ERR_MEM;
        pbuf_copy(frame, p);
    } else {
        pbuf_ref(frame);
    }
    auto* first = static_cast<u8*>(frame->payload);
    virtio::NetHeader header = {};
    if (device->checksum_offload())
        offload_tcp_checksum(first, frame->len, &header);
    if (frame->tot_len > 14u + interface->mtu &&
        !offload_segmentation(first, frame->len, &header)) {
        pbuf_free(frame);
        return ERR_BUF;
    }
    virtio::TransmitPiece pieces[virtio::NetDevice::MAX_TRANSMIT_PIECES];
    count = 0;
    for (pbuf* q = frame; q; q = q->next)
        if (q->len)
            pieces[count++] = {static_cast<const u8*>(q->payload), q->len};
    auto sent = device->transmit(header, pieces, count, frame);
    // transmit() has collected the frames the device finished. Not poll(): delivering received
    // frames here would run lwIP's input inside its own output (a TCP ACK freeing segments of
    // the pcb tcp_output is walking: "tcp_receive: valid queue length").
    if (sent.is_error()) {
        pbuf_free(frame);
        return ERR_MEM; // every transmit slot is busy: TCP retransmits, UDP drops
    }
    return ERR_OK;
}

void frame_transmitted(void*, void* cookie) {
    pbuf_free(static_cast<pbuf*>(cookie));
}

// A received piece as an lwIP pbuf that points into the device's receive buffer (no copy); the
// pbuf lives in the buffer's headroom and freeing it gives the buffer back.
struct ReceivePbuf {
    pbuf_custom custom;
};
static_assert(sizeof(ReceivePbuf) <= virtio::NetDevice::RECEIVE_HEADROOM);

void free_receive_pbuf(pbuf* p) {
    virtio::NetDevice::free_receive_buffer(reinterpret_cast<u8*>(p));
}

constexpr u16 CHECKS_OFFLOADED = NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP;

void receive_frame(void* context, const virtio::ReceivedFrame& frame) {
    auto* interface = static_cast<Interface*>(context);
    netif* n = &interface->lwip;
    // A large segment (the device merged what the host sent as one TCP segment) may be longer
    // than a pbuf chain can count (16 bits) with its Ethernet header: it is always IPv4 or IPv6
    // TCP to us, so it goes to IP without that header, as ethernet_input would pass it.
    bool segment = frame.header.gso_type != virtio::NetHeader::GSO_NONE;
    u32 skip = segment ? 14 : 0;
    u64 total = 0;
    for (int i = 0; i < frame.count; i++)
        total += frame.pieces[i].length;
    if (total <= skip || total - skip > 0xffff || frame.pieces[0].length < skip + 20) {
        for (int i = 0; i < frame.count; i++)
            virtio::NetDevice::free_receive_buffer(frame.pieces[i].buffer);
        return;
    }
    u16 type = read_be16(frame.pieces[0].data + 12);
    pbuf* head = nullptr;
    for (int i = frame.count - 1; i >= 0; i--) {
        const auto& piece = frame.pieces[i];
        auto* holder = new (piece.buffer) ReceivePbuf;
        holder->custom.custom_free_function = free_receive_pbuf;
        u32 offset = i == 0 ? skip : 0;
        pbuf* p =
            pbuf_alloced_custom(PBUF_RAW, u16(piece.length - offset), PBUF_REF, &holder->custom,
                                piece.data + offset, u16(piece.length - offset));
        if (head) {
            p->next = head; // takes over head's reference
            p->tot_len = u16(p->len + head->tot_len);
        }
        head = p;
    }
    head->if_idx = netif_get_index(n);
    // The device checked the checksum (DATA_VALID), or the frame comes from the host's own stack
    // with a partial one (NEEDS_CSUM): lwIP must not check it. Other frames are checked.
    u16 flags = n->chksum_flags;
    if (frame.header.flags & (virtio::NetHeader::DATA_VALID | virtio::NetHeader::NEEDS_CSUM))
        NETIF_SET_CHECKSUM_CTRL(n, u16(flags & ~CHECKS_OFFLOADED));
    err_t err;
    if (segment && type == 0x0800)
        err = ip4_input(head, n);
    else if (segment && type == 0x86dd)
        err = ip6_input(head, n);
    else if (segment)
        err = (pbuf_free(head), ERR_OK);
    else
        err = n->input(head, n);
    NETIF_SET_CHECKSUM_CTRL(n, flags);
    if (err != ERR_OK)
        pbuf_free(head);
}

void status_changed(netif* n) {
    auto* interface = static_cast<Interface*>(n->state);
    const ip4_addr_t* address = netif_ip4_addr(n);
    if (!netif_is_up(n) || ip4_addr_isany(address)) {
        interface->announced = false;
        return;
    }
    if (interface->announced)
        return;
    interface->announced = true;
    char text[IP4ADDR_STRLEN_MAX];
    ip4addr_ntoa_r(address, text, sizeof text);
    kprintf("assigned: %s\n", text);
}

err_t netif_setup(netif* n) {
    auto* interface = static_cast<Interface*>(n->state);
    n->name[0] = 'e';
    n->name[1] = 'n';
    n->hwaddr_len = 6;
    memcpy(n->hwaddr, interface->device->mac(), 6);
    // With segmentation offload lwIP's IP layer must pass large TCP segments on unfragmented.
    n->mtu = n->mtu6 = interface->device->large_send() ? 0xffff : interface->mtu;
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP |
               NETIF_FLAG_MLD6;
    // With checksum offload lwIP leaves TCP checksums to the device (link_output).
    if (interface->device->checksum_offload())
        NETIF_SET_CHECKSUM_CTRL(n, NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_TCP);
    n->output = etharp_output;
    n->output_ip6 = ethip6_output;
    n->linkoutput = link_output;
    return ERR_OK;
}

// A string value of `key` in `tuple`, copied NUL-terminated into `out`; false when absent,
// not a string, empty or too long.
bool manifest_string(const tfs::Value* tuple, const char* key, char* out, size_t size) {
    if (!tuple)
        return false;
    common::Bytes bytes;
    if (!tfs::value_as_string(tfs::tuple_get(tuple, key), &bytes) || bytes.size() == 0 ||
        bytes.size() >= size)
        return false;
    memcpy(out, bytes.data(), bytes.size());
    out[bytes.size()] = 0;
    return true;
}

void configure(Interface& interface, const tfs::Value* settings) {
    netif& n = interface.lwip;
    char text[64];
    u64 mtu = 0;
    if (settings && tfs::value_as_u64(tfs::tuple_get(settings, "mtu"), &mtu) && mtu >= 576 &&
        mtu <= 1500) {
        interface.mtu = u16(mtu);
        if (!interface.device->large_send())
            n.mtu = n.mtu6 = u16(mtu);
    }

    ip4_addr_t address, netmask, gateway;
    bool is_static = manifest_string(settings, "ipaddr", text, sizeof text) &&
                     ip4addr_aton(text, &address) && !ip4_addr_isany_val(address);
    if (is_static) {
        if (!(manifest_string(settings, "netmask", text, sizeof text) &&
              ip4addr_aton(text, &netmask)))
            IP4_ADDR(&netmask, 255, 255, 255, 0);
        if (!(manifest_string(settings, "gateway", text, sizeof text) &&
              ip4addr_aton(text, &gateway))) {
            // manifest.md: network address + 1, or broadcast - 1 if that is our own address.
            u32 network = lwip_ntohl(ip4_addr_get_u32(&address) & ip4_addr_get_u32(&netmask));
            u32 candidate = network + 1;
            if (candidate == lwip_ntohl(ip4_addr_get_u32(&address)))
                candidate = (network | ~lwip_ntohl(ip4_addr_get_u32(&netmask))) - 1;
            ip4_addr_set_u32(&gateway, lwip_htonl(candidate));
        }
        netif_set_addr(&n, &address, &netmask, &gateway);
    }

    netif_create_ip6_linklocal_address(&n, 1);
    netif_set_ip6_autoconfig_enabled(&n, 1);
    ip6_addr_t address6;
    if (manifest_string(settings, "ip6addr", text, sizeof text) && ip6addr_aton(text, &address6)) {
        s8_t index;
        if (netif_add_ip6_address(&n, &address6, &index) == ERR_OK)
            netif_ip6_addr_set_state(&n, index, IP6_ADDR_PREFERRED);
    }

    netif_set_link_up(&n);
    netif_set_up(&n);
    if (!is_static)
        dhcp_start(&n);
}

} // namespace

Result<void> interface_create(virtio::Transport* transport) {
    if (g_interface_count == MAX_INTERFACES)
        return Errno::ENOSPC;
    auto* interface = make<Interface>();
    if (!interface)
        return Errno::ENOMEM;
    interface->number = g_interface_count + 1;
    interface->device =
        TRY(virtio::NetDevice::create(transport, receive_frame, frame_transmitted, interface));
    StackCall call;
    if (!netif_add(&interface->lwip, nullptr, nullptr, nullptr, interface, netif_setup,
                   ethernet_input))
        return Errno::EIO;
    netif_set_status_callback(&interface->lwip, status_changed);
    if (g_interface_count == 0)
        netif_set_default(&interface->lwip);
    g_interfaces[g_interface_count++] = interface;
    return {};
}

void interfaces_configure(const tfs::Value* manifest_root) {
    for (int i = 0; i < g_interface_count; i++) {
        Interface& interface = *g_interfaces[i];
        char key[8];
        format(key, sizeof key, "en%d", interface.number);
        const tfs::Value* settings = tfs::tuple_get(manifest_root, key);
        // manifest.md: without an en1 tuple, the root tuple holds en1's settings.
        if (!settings && interface.number == 1)
            settings = manifest_root;
        StackCall call;
        configure(interface, settings);
        if (auto enabled = interface.device->enable_interrupts(); enabled.is_error())
            kprintf("ops kernel: en%d has no usable interrupt line (%s); it will not receive\n",
                    interface.number, errno_name(enabled.error()));
    }
}

void interfaces_reclaim_transmitted() {
    for (int i = 0; i < g_interface_count; i++)
        g_interfaces[i]->device->reclaim_transmitted();
}

bool interface_segments_tcp(const netif* n) {
    return n && n->linkoutput == link_output &&
           static_cast<Interface*>(n->state)->device->large_send();
}

namespace {

// The stack's interfaces in index order; returns how many (at most `capacity`).
int sorted_interfaces(netif** out, int capacity) {
    int count = 0;
    netif* n;
    NETIF_FOREACH(n) {
        if (count == capacity)
            break;
        int at = count++;
        while (at > 0 && netif_get_index(out[at - 1]) > netif_get_index(n)) {
            out[at] = out[at - 1];
            at--;
        }
        out[at] = n;
    }
    return count;
}

u8 prefix_length(u32 netmask_host_order) {
    u8 bits = 0;
    while (bits < 32 && (netmask_host_order & (0x80000000u >> bits)))
        bits++;
    return bits;
}

} // namespace

int interface_count() {
    StackCall call;
    netif* all[MAX_INTERFACES + 1];
    return sorted_interfaces(all, MAX_INTERFACES + 1);
}

bool interface_info(int position, InterfaceInfo* out) {
    StackCall call;
    netif* all[MAX_INTERFACES + 1];
    int count = sorted_interfaces(all, MAX_INTERFACES + 1);
    if (position < 0 || position >= count)
        return false;
    netif* n = all[position];
    *out = InterfaceInfo();
    out->index = netif_get_index(n);
    out->loopback = n->name[0] == 'l' && n->name[1] == 'o';
    if (out->loopback)
        format(out->name, sizeof out->name, "lo");
    else
        format(out->name, sizeof out->name, "%c%c%u", n->name[0], n->name[1], n->num);
    out->mac_length = out->loopback ? 0 : n->hwaddr_len;
    memcpy(out->mac, n->hwaddr, min<size_t>(out->mac_length, sizeof out->mac));
    out->mtu = out->loopback                  ? 65536
               : n->linkoutput == link_output ? static_cast<Interface*>(n->state)->mtu
                                              : n->mtu;
    out->up = netif_is_up(n);
    out->running = out->up && (out->loopback || netif_is_link_up(n));
    out->broadcast = n->flags & NETIF_FLAG_BROADCAST;
    out->multicast = !out->loopback && (n->flags & (NETIF_FLAG_IGMP | NETIF_FLAG_MLD6));
    const ip4_addr_t* address = netif_ip4_addr(n);
    if (!ip4_addr_isany(address)) {
        out->has_ipv4 = true;
        memcpy(out->ipv4, &address->addr, 4);
        out->ipv4_prefix = prefix_length(lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(n))));
    }
    for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES && out->ipv6_count < InterfaceInfo::MAX_IPV6; i++) {
        if (!ip6_addr_isvalid(netif_ip6_addr_state(n, i)))
            continue;
        auto& entry = out->ipv6[out->ipv6_count++];
        memcpy(entry.address, netif_ip6_addr(n, i)->addr, 16);
        // Link-local and SLAAC addresses are /64; lwIP keeps no prefix length of its own.
        entry.prefix = out->loopback ? 128 : 64;
    }
    return true;
}
