// netlink_socket.h: AF_NETLINK sockets for NETLINK_ROUTE (SOCK_RAW and SOCK_DGRAM): the
// RTM_GETLINK and RTM_GETADDR dumps that getifaddrs() and Go's net.Interfaces() read. Other
// netlink protocols answer EPROTONOSUPPORT.
#pragma once

#include "lib/result.h"
#include "net/socket.h"

Result<Socket*> netlink_socket_create(int type, int protocol);
