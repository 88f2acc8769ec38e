// tcp_socket.h: SOCK_STREAM sockets for AF_INET and AF_INET6 on lwIP's raw TCP API.
#pragma once

#include "lib/result.h"
#include "net/socket.h"

// A new unconnected TCP socket of `domain` (AF_INET or AF_INET6).
Result<Socket*> tcp_socket_create(int domain);
