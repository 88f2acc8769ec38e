// udp_socket.h: SOCK_DGRAM sockets for AF_INET and AF_INET6 on lwIP's raw UDP API.
#pragma once

#include "lib/result.h"
#include "net/socket.h"

Result<Socket*> udp_socket_create(int domain);
