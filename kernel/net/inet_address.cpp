// inet_address.cpp: sockaddr_in (16 bytes) and sockaddr_in6 (28 bytes) layouts, ip(7), ipv6(7).
#include "net/inet_address.h"
#include "lib/string.h"

#include "lwip/def.h"

namespace {

bool is_v4_mapped(const u8* a) {
    for (int i = 0; i < 10; i++)
        if (a[i])
            return false;
    return a[10] == 0xff && a[11] == 0xff;
}

} // namespace

Result<InetEndpoint> inet_endpoint(const SocketAddress& address, int domain) {
    InetEndpoint endpoint = {};
    u16 family = address.family();
    if (domain == socket_abi::AF_INET) {
        // Linux accepts AF_UNSPEC for bind on AF_INET when the address is INADDR_ANY.
        if (family != socket_abi::AF_INET && family != 0)
            return Errno::EAFNOSUPPORT;
        if (address.length < 16)
            return Errno::EINVAL;
        u32 ip;
        memcpy(&ip, address.bytes + 4, 4);
        ip_addr_set_ip4_u32_val(endpoint.address, ip);
        endpoint.port = lwip_ntohs(u16(address.bytes[2] | (address.bytes[3] << 8)));
        return endpoint;
    }
    if (family != socket_abi::AF_INET6)
        return family == socket_abi::AF_INET ? Errno::EINVAL : Errno::EAFNOSUPPORT;
    if (address.length < 24)
        return Errno::EINVAL;
    const u8* a = address.bytes + 8;
    endpoint.port = lwip_ntohs(u16(address.bytes[2] | (address.bytes[3] << 8)));
    if (is_v4_mapped(a)) {
        u32 ip;
        memcpy(&ip, a + 12, 4);
        ip_addr_set_ip4_u32_val(endpoint.address, ip);
        return endpoint;
    }
    u32 words[4];
    memcpy(words, a, 16);
    IP_ADDR6(&endpoint.address, words[0], words[1], words[2], words[3]);
    u32 scope = 0;
    if (address.length >= 28)
        memcpy(&scope, address.bytes + 24, 4);
    if (ip6_addr_islinklocal(ip_2_ip6(&endpoint.address)))
        ip6_addr_set_zone(ip_2_ip6(&endpoint.address), u8(scope ? scope : 1));
    return endpoint;
}

void inet_socket_address(const ip_addr_t& address, u16 port, int domain, SocketAddress* out) {
    memset(out->bytes, 0, sizeof out->bytes);
    u16 network_port = lwip_htons(port);
    if (domain == socket_abi::AF_INET) {
        out->length = 16;
        out->bytes[0] = socket_abi::AF_INET;
        memcpy(out->bytes + 2, &network_port, 2);
        u32 ip = IP_IS_V4(&address) ? ip4_addr_get_u32(ip_2_ip4(&address)) : 0;
        memcpy(out->bytes + 4, &ip, 4);
        return;
    }
    out->length = 28;
    out->bytes[0] = socket_abi::AF_INET6;
    memcpy(out->bytes + 2, &network_port, 2);
    u8* a = out->bytes + 8;
    if (IP_IS_V4(&address)) {
        if (!ip4_addr_isany(ip_2_ip4(&address))) {
            a[10] = a[11] = 0xff;
            u32 ip = ip4_addr_get_u32(ip_2_ip4(&address));
            memcpy(a + 12, &ip, 4);
        }
        return;
    }
    memcpy(a, ip_2_ip6(&address)->addr, 16);
    if (ip6_addr_has_zone(ip_2_ip6(&address))) {
        u32 scope = ip6_addr_zone(ip_2_ip6(&address));
        memcpy(out->bytes + 24, &scope, 4);
    }
}
