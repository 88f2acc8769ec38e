// interface.h: network interfaces over virtio-net devices (en1, en2, ...) and their addressing:
// DHCP by default, static IPv4 from the manifest (`ipaddr`/`netmask`/`gateway`, per interface in
// an `en<N>` tuple or at the root for en1), IPv6 link-local plus SLAAC, and `ip6addr`.
#pragma once

#include "common/tfs/value.h"
#include "lib/result.h"
#include "lib/types.h"

namespace virtio {
class Transport;
}

struct netif;

Result<void> interface_create(virtio::Transport* transport);
// Applies the manifest's settings to every interface and brings them up.
void interfaces_configure(const tfs::Value* manifest_root);
// Frees the frames the devices have finished sending (their buffers are lwIP's pbufs, held
// until then). Inside the stack (net_service does it).
void interfaces_reclaim_transmitted();
// Whether `n` is one of ours whose device cuts large TCP segments (net/segment_offload.h).
bool interface_segments_tcp(const netif* n);

// A read-only snapshot of one interface, as netlink (RTM_GETLINK/RTM_GETADDR) reports it.
struct InterfaceInfo {
    static constexpr int MAX_IPV6 = 3; // LWIP_IPV6_NUM_ADDRESSES
    char name[16] = {};                // "lo", "en1", ...
    int index = 0;                     // Linux ifindex: lo is 1, en1 2, ...
    u8 mac[6] = {};
    u8 mac_length = 0; // 0 for the loopback interface
    u32 mtu = 0;
    bool up = false;
    bool running = false; // link up
    bool loopback = false;
    bool broadcast = false;
    bool multicast = false;
    bool has_ipv4 = false;
    u8 ipv4[4] = {};
    u8 ipv4_prefix = 0;
    int ipv6_count = 0;
    struct {
        u8 address[16];
        u8 prefix;
    } ipv6[MAX_IPV6] = {};
};
// How many interfaces there are, loopback included.
int interface_count();
// The interface at `position` (0 .. interface_count() - 1) in index order; false past the end.
// Enters the stack (a StackCall); may not be called from interrupt context.
bool interface_info(int position, InterfaceInfo* out);
