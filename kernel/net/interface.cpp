// interface.cpp: an lwIP netif per virtio-net device: frames in (interrupt context) and out
// (copied into a transmit buffer), link-level setup, and the address configuration that prints
// `assigned: <ip>` when an IPv4 address arrives, statically or by DHCP.
#include "net/interface.h"
#include "dev/virtio/net/net.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "net/stack.h"

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/ip4_addr.h"
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
};

Interface* g_interfaces[MAX_INTERFACES];
int g_interface_count;

err_t link_output(netif* n, pbuf* p) {
    auto* interface = static_cast<Interface*>(n->state);
    if (p->tot_len > virtio::NetDevice::MAX_FRAME)
        return ERR_BUF;
    u8* buffer = interface->device->transmit_buffer();
    if (!buffer) {
        interface->device->poll();
        buffer = interface->device->transmit_buffer();
        if (!buffer)
            return ERR_MEM; // every transmit slot is busy: TCP retransmits, UDP drops
    }
    pbuf_copy_partial(p, buffer, p->tot_len, 0);
    interface->device->transmit(p->tot_len);
    return ERR_OK;
}

void receive_frame(void* context, const u8* frame, size_t length) {
    auto* interface = static_cast<Interface*>(context);
    pbuf* p = pbuf_alloc(PBUF_RAW, u16(length), PBUF_POOL);
    if (!p)
        return; // out of memory: the frame is dropped as a full NIC would
    pbuf_take(p, frame, u16(length));
    if (interface->lwip.input(p, &interface->lwip) != ERR_OK)
        pbuf_free(p);
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
    n->mtu = 1500;
    n->mtu6 = 1500;
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP |
               NETIF_FLAG_MLD6;
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
        n.mtu = u16(mtu);
        n.mtu6 = u16(mtu);
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
    interface->device = TRY(virtio::NetDevice::create(transport, receive_frame, interface));
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
    out->mtu = out->loopback ? 65536 : n->mtu;
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
