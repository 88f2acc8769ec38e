// unix_socket.h: AF_UNIX sockets (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET), kept entirely in
// the kernel (no lwIP): socketpair, filesystem and abstract names, listen/accept/connect, data
// queues, SCM_RIGHTS. The syscalls that reach them live in linux/socket_calls.cpp.
#pragma once

#include "lib/result.h"
#include "net/socket.h"

Result<Socket*> unix_socket_create(int type);
// Two sockets of `type` connected to each other (socketpair(2)).
Result<void> unix_socket_pair(int type, Socket** first, Socket** second);
