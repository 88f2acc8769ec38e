// inet_address.h: struct sockaddr_in / sockaddr_in6 to and from lwIP addresses. An AF_INET6
// socket may talk IPv4 through v4-mapped addresses (::ffff:a.b.c.d), as on Linux.
#pragma once

#include "lib/result.h"
#include "net/socket.h"

#include "lwip/ip_addr.h"

struct InetEndpoint {
    ip_addr_t address;
    u16 port;
};

// Parses a program's address for a socket of `domain` (AF_INET or AF_INET6). EAFNOSUPPORT for
// another family, EINVAL when too short.
Result<InetEndpoint> inet_endpoint(const SocketAddress& address, int domain);
// Writes an endpoint as a sockaddr of `domain` (IPv4 endpoints v4-mapped for AF_INET6).
void inet_socket_address(const ip_addr_t& address, u16 port, int domain, SocketAddress* out);
