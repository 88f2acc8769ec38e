// socket_calls.cpp: the socket system calls (socket(2), bind(2), ..., sendmsg(2), recvmsg(2)):
// argument checks, copying addresses and data between the program and the kernel, descriptor
// bookkeeping and SIGPIPE. What a call means for a family lives in kernel/net.
#include "fs/open_file.h"
#include "lib/string.h"
#include "linux/abi/structs.h"
#include "linux/process.h"
#include "linux/signals.h"
#include "linux/syscalls.h"
#include "linux/time_values.h"
#include "linux/user_memory.h"
#include "mm/heap.h"
#include "mm/kernel_buffer.h"
#include "net/netlink_socket.h"
#include "net/socket.h"
#include "net/tcp_socket.h"
#include "net/udp_socket.h"
#include "net/unix_socket.h"
#include "time/clock.h"

namespace {

using namespace socket_abi;
using namespace linux_flags;

constexpr u64 BOUNCE_SIZE = 64 * KiB;
constexpr u64 MAX_IOVECS = 1024; // UIO_MAXIOV
constexpr u64 MAX_DATAGRAM_BUFFER = 64 * KiB;
// Ancillary data a sendmsg may carry (net.core.optmem_max).
constexpr u64 MAX_CONTROL = 20480;
constexpr int SCM_RIGHTS = 1;
constexpr int SCM_CREDENTIALS = 2;
constexpr int SO_PASSCRED = 16;
constexpr int MSG_CTRUNC = 0x8;

struct Iovec {
    u64 base;
    u64 length;
};

struct MessageHeader {
    u64 name;
    u32 name_length;
    u32 pad0;
    u64 iov;
    u64 iov_count;
    u64 control;
    u64 control_length;
    i32 flags;
    u32 pad1;
};
static_assert(sizeof(MessageHeader) == 56);

struct MultiMessageHeader {
    MessageHeader header;
    u32 length;
    u32 pad;
};
static_assert(sizeof(MultiMessageHeader) == 64);

// struct cmsghdr; the data follows, and the next header starts 8-byte aligned.
struct ControlHeader {
    u64 length;
    i32 level;
    i32 type;
};
static_assert(sizeof(ControlHeader) == 16);

constexpr u64 control_align(u64 n) {
    return (n + 7) & ~u64(7);
}

// struct ucred
struct Credentials {
    i32 pid;
    u32 uid;
    u32 gid;
};

Result<Socket*> socket_of(int fd, OpenFile** file_out = nullptr) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    if (file->inode->type() != InodeType::Socket)
        return Errno::ENOTSOCK;
    if (file_out)
        *file_out = file;
    return static_cast<Socket*>(file->inode);
}

Result<u64> install_socket(Socket* socket, int flags) {
    u32 status = O_RDWR | ((flags & SOCK_NONBLOCK) ? u32(O_NONBLOCK) : 0);
    OpenFile* file = TRY(open_file_create(socket, status, "socket:"));
    socket->attach(file);
    auto fd = current_process().fds.install(file, 0, flags & SOCK_CLOEXEC);
    open_file_release(file); // on failure this closes the socket too
    return u64(TRY(fd));
}

Result<SocketAddress> address_from_user(u64 address, u32 length) {
    SocketAddress result;
    if (length > SocketAddress::CAPACITY)
        return Errno::EINVAL;
    if (length && !address)
        return Errno::EFAULT;
    TRY(copy_array_from_user(result.bytes, UserIn<u8>(address), length));
    result.length = length;
    return result;
}

// Copies an address out the way accept(2)/getsockname(2) do: truncated to the caller's buffer,
// with the full length written back.
Result<void> address_to_user(const SocketAddress& address, u64 out, u64 length_pointer) {
    if (!out || !length_pointer)
        return {};
    u32 capacity;
    TRY(copy_from_user(&capacity, UserIn<u32>(length_pointer)));
    if (i32(capacity) < 0)
        return Errno::EINVAL;
    TRY(copy_array_to_user(UserOut<u8>(out), address.bytes, min(capacity, address.length)));
    TRY(copy_to_user(UserOut<u32>(length_pointer), &address.length));
    return {};
}

void raise_sigpipe(int flags) {
    if (flags & MSG_NOSIGNAL)
        return;
    SignalInfo info = {};
    info.signo = signal::SIGPIPE;
    send_signal(current_thread(), info);
}

// `files` (may be null) go with the first piece that is queued.
Result<u64> send_from_user(Socket* socket, UserIn<u8> data, u64 length, int flags,
                           const SocketAddress* to, PassedFiles** files = nullptr) {
    if (!user_range_ok(data.address(), length))
        return Errno::EFAULT;
    bool datagram = socket->socket_type() != SOCK_STREAM;
    if (datagram && length > MAX_DATAGRAM_BUFFER)
        return Errno::EMSGSIZE;
    KernelBuffer bounce(min(length, datagram ? MAX_DATAGRAM_BUFFER : BOUNCE_SIZE));
    if (!bounce.ok())
        return Errno::ENOMEM;
    u64 done = 0;
    do {
        u64 n = datagram ? length : min(length - done, BOUNCE_SIZE);
        TRY(copy_array_from_user(bounce.data(), data.offset(done), n));
        int chunk_flags = flags | (done + n < length ? MSG_MORE : 0);
        auto sent = socket->send_with_files(bounce.data(), n, chunk_flags, to, files);
        if (sent.is_error()) {
            if (sent.error() == Errno::EPIPE)
                raise_sigpipe(flags);
            return done ? Result<u64>(done) : Result<u64>(sent.error());
        }
        done += sent.value();
        if (sent.value() < n)
            break;
    } while (done < length);
    return done;
}

Result<u64> receive_into_user(Socket* socket, UserOut<u8> data, u64 length, int flags,
                              SocketAddress* from) {
    if (!user_range_ok(data.address(), length))
        return Errno::EFAULT;
    bool datagram = socket->socket_type() != SOCK_STREAM;
    // A datagram is taken whole, so the buffer must hold the largest one we may be handed.
    u64 size = datagram ? MAX_DATAGRAM_BUFFER : min(length, BOUNCE_SIZE);
    KernelBuffer bounce(size);
    if (!bounce.ok())
        return Errno::ENOMEM;
    u64 got = TRY(socket->receive(bounce.data(), datagram ? min(length, size) : size, flags, from));
    TRY(copy_array_to_user(data, bounce.data(), min(got, length)));
    return got;
}

// Gathers a message's iovecs; the total is checked against Linux's limits.
Result<u64> read_iovecs(const MessageHeader& message, Iovec* vectors) {
    if (message.iov_count > MAX_IOVECS)
        return Errno::EMSGSIZE;
    TRY(copy_array_from_user(vectors, UserIn<Iovec>(message.iov), message.iov_count));
    u64 total = 0;
    for (u64 i = 0; i < message.iov_count; i++) {
        if (i64(vectors[i].length) < 0 || total + vectors[i].length > 0x7ffff000)
            return Errno::EINVAL;
        if (!user_range_ok(vectors[i].base, vectors[i].length))
            return Errno::EFAULT;
        total += vectors[i].length;
    }
    return total;
}

// The SOL_SOCKET control messages of a sendmsg: SCM_RIGHTS descriptors are collected in *files
// (one reference each); SCM_CREDENTIALS must name our one process. Other levels are ignored,
// as Linux's AF_UNIX and inet sockets do for options they do not know.
Result<void> read_control(Socket* socket, const MessageHeader& message, PassedFiles** files) {
    if (message.control_length < sizeof(ControlHeader))
        return {};
    if (message.control_length > MAX_CONTROL)
        return Errno::ENOBUFS;
    KernelBuffer control(message.control_length);
    if (!control.ok())
        return Errno::ENOMEM;
    TRY(copy_array_from_user(control.data(), UserIn<u8>(message.control), message.control_length));
    u64 at = 0;
    while (message.control_length - at >= sizeof(ControlHeader)) {
        ControlHeader header;
        memcpy(&header, control.data() + at, sizeof header);
        if (header.length < sizeof header || header.length > message.control_length - at)
            return Errno::EINVAL;
        const u8* data = control.data() + at + sizeof header;
        u64 data_length = header.length - sizeof header;
        if (header.level == SOL_SOCKET &&
            (header.type == SCM_RIGHTS || header.type == SCM_CREDENTIALS)) {
            if (socket->domain() != AF_UNIX)
                return Errno::EINVAL;
            if (header.type == SCM_RIGHTS) {
                u64 count = data_length / sizeof(i32);
                if (!*files && !(*files = make<PassedFiles>()))
                    return Errno::ENOMEM;
                if ((*files)->count + count > PassedFiles::MAX)
                    return Errno::EINVAL;
                for (u64 i = 0; i < count; i++) {
                    i32 fd;
                    memcpy(&fd, data + i * sizeof fd, sizeof fd);
                    OpenFile* file = TRY(current_process().fds.get(fd));
                    file->references++;
                    (*files)->files[(*files)->count++] = file;
                }
            } else {
                Credentials credentials;
                if (data_length < sizeof credentials)
                    return Errno::EINVAL;
                memcpy(&credentials, data, sizeof credentials);
                // We run as root, so any ids pass; the pid must be a process that exists.
                if (credentials.pid != 1)
                    return Errno::ESRCH;
            }
        } else if (header.level == SOL_SOCKET && socket->domain() == AF_UNIX) {
            return Errno::EINVAL;
        }
        at += control_align(header.length);
    }
    return {};
}

// Writes the control messages a recvmsg returns (SCM_CREDENTIALS when SO_PASSCRED is on, then
// SCM_RIGHTS descriptors installed as new fds) and returns how many control bytes were used.
// Descriptors that do not fit are closed and MSG_CTRUNC set, as Linux does.
Result<u64> write_control(Socket* socket, MessageHeader& message, PassedFiles* files,
                          bool close_on_exec) {
    u64 used = 0;
    u64 capacity = message.control ? message.control_length : 0;
    int pass_credentials = 0;
    if (socket->domain() == AF_UNIX)
        (void)socket->get_option(SOL_SOCKET, SO_PASSCRED, reinterpret_cast<u8*>(&pass_credentials),
                                 sizeof pass_credentials);
    if (pass_credentials) {
        u64 length = sizeof(ControlHeader) + sizeof(Credentials);
        if (capacity - used < length) {
            message.flags |= MSG_CTRUNC;
        } else {
            ControlHeader header = {length, SOL_SOCKET, SCM_CREDENTIALS};
            Credentials credentials = {1, 0, 0};
            TRY(copy_to_user(UserOut<ControlHeader>(message.control + used), &header));
            TRY(copy_to_user(UserOut<Credentials>(message.control + used + sizeof header),
                             &credentials));
            used += min(control_align(length), capacity - used);
        }
    }
    if (!files || !files->count)
        return used;
    u64 room = capacity - used;
    u64 fit = room < sizeof(ControlHeader) + sizeof(i32)
                  ? 0
                  : (room - sizeof(ControlHeader)) / sizeof(i32);
    i32 fds[PassedFiles::MAX];
    u32 installed = 0;
    for (; installed < files->count && installed < fit; installed++) {
        auto fd = current_process().fds.install(files->files[installed], 0, close_on_exec);
        if (fd.is_error())
            break;
        fds[installed] = fd.value();
    }
    if (installed < files->count)
        message.flags |= MSG_CTRUNC;
    if (!installed)
        return used;
    ControlHeader header = {sizeof(ControlHeader) + installed * sizeof(i32), SOL_SOCKET,
                            SCM_RIGHTS};
    auto copied = copy_to_user(UserOut<ControlHeader>(message.control + used), &header);
    if (!copied.is_error())
        copied = copy_array_to_user(UserOut<i32>(message.control + used + sizeof header), fds,
                                    installed);
    if (copied.is_error()) {
        for (u32 i = 0; i < installed; i++)
            (void)current_process().fds.close(fds[i]);
        return copied.error();
    }
    return used + min(control_align(header.length), room);
}

Result<u64> send_message_with(Socket* socket, const MessageHeader& message, int flags,
                              PassedFiles** files);

Result<u64> send_message(Socket* socket, const MessageHeader& message, int flags) {
    PassedFiles* files = nullptr;
    auto control = read_control(socket, message, &files);
    if (control.is_error()) {
        destroy(files);
        return control.error();
    }
    auto result = send_message_with(socket, message, flags, &files);
    destroy(files); // what was not queued
    return result;
}

Result<u64> send_message_with(Socket* socket, const MessageHeader& message, int flags,
                              PassedFiles** files) {
    SocketAddress to;
    bool has_to = message.name && message.name_length;
    if (has_to)
        to = TRY(address_from_user(message.name, message.name_length));
    auto* vectors = static_cast<Iovec*>(kmalloc(sizeof(Iovec) * (message.iov_count + 1)));
    if (!vectors)
        return Errno::ENOMEM;
    auto total = read_iovecs(message, vectors);
    if (total.is_error()) {
        kfree(vectors);
        return total.error();
    }
    Result<u64> result = u64(0);
    bool datagram = socket->socket_type() != SOCK_STREAM;
    if (datagram || message.iov_count <= 1) {
        // One piece: gather it (a datagram must go out whole).
        KernelBuffer bounce(min(total.value(), datagram ? MAX_DATAGRAM_BUFFER : total.value()));
        if (datagram && total.value() > MAX_DATAGRAM_BUFFER) {
            result = Errno::EMSGSIZE;
        } else if (message.iov_count <= 1 && !datagram) {
            result = send_from_user(socket, UserIn<u8>(message.iov_count ? vectors[0].base : 0),
                                    total.value(), flags, has_to ? &to : nullptr, files);
        } else if (!bounce.ok()) {
            result = Errno::ENOMEM;
        } else {
            u64 at = 0;
            for (u64 i = 0; i < message.iov_count && !result.is_error(); i++) {
                if (copy_array_from_user(bounce.data() + at, UserIn<u8>(vectors[i].base),
                                         vectors[i].length)
                        .is_error())
                    result = Errno::EFAULT;
                at += vectors[i].length;
            }
            if (!result.is_error()) {
                auto sent = socket->send_with_files(bounce.data(), at, flags,
                                                    has_to ? &to : nullptr, files);
                if (sent.is_error() && sent.error() == Errno::EPIPE)
                    raise_sigpipe(flags);
                result = sent.is_error() ? Result<u64>(sent.error()) : Result<u64>(sent.value());
            }
        }
    } else {
        // A stream: each vector in turn, stopping at a short send.
        u64 done = 0;
        for (u64 i = 0; i < message.iov_count; i++) {
            if (!vectors[i].length)
                continue;
            int more = i + 1 < message.iov_count ? MSG_MORE : 0;
            auto sent = send_from_user(socket, UserIn<u8>(vectors[i].base), vectors[i].length,
                                       flags | more, has_to ? &to : nullptr, files);
            if (sent.is_error()) {
                result = done ? Result<u64>(done) : sent;
                break;
            }
            done += sent.value();
            result = done;
            if (sent.value() < vectors[i].length)
                break;
        }
    }
    kfree(vectors);
    return result;
}

Result<u64> receive_message(Socket* socket, u64 message_pointer, int flags) {
    MessageHeader message;
    TRY(copy_from_user(&message, UserIn<MessageHeader>(message_pointer)));
    auto* vectors = static_cast<Iovec*>(kmalloc(sizeof(Iovec) * (message.iov_count + 1)));
    if (!vectors)
        return Errno::ENOMEM;
    auto total = read_iovecs(message, vectors);
    if (total.is_error()) {
        kfree(vectors);
        return total.error();
    }
    bool datagram = socket->socket_type() != SOCK_STREAM;
    u64 size = datagram ? MAX_DATAGRAM_BUFFER : min(total.value(), BOUNCE_SIZE);
    KernelBuffer bounce(size);
    SocketAddress from;
    PassedFiles* files = nullptr;
    bool close_on_exec = flags & MSG_CMSG_CLOEXEC;
    flags &= ~MSG_CMSG_CLOEXEC;
    Result<u64> result = Errno::ENOMEM;
    if (bounce.ok()) {
        auto got =
            socket->receive_with_files(bounce.data(), datagram ? size : min(total.value(), size),
                                       flags | (datagram ? MSG_TRUNC : 0), &from, &files);
        if (got.is_error()) {
            result = got.error();
        } else {
            u64 real = got.value();
            u64 stored = min(real, total.value());
            u64 at = 0;
            result = datagram && !(flags & MSG_TRUNC) ? stored : real;
            for (u64 i = 0; i < message.iov_count && at < stored; i++) {
                u64 n = min(vectors[i].length, stored - at);
                if (copy_array_to_user(UserOut<u8>(vectors[i].base), bounce.data() + at, n)
                        .is_error()) {
                    result = Errno::EFAULT;
                    break;
                }
                at += n;
            }
            message.flags = (datagram && real > total.value()) ? MSG_TRUNC : 0;
            if (!result.is_error()) {
                auto control = write_control(socket, message, files, close_on_exec);
                if (control.is_error())
                    result = control.error();
                else
                    message.control_length = control.value();
            }
            if (!result.is_error() && message.name) {
                if (from.length == 0)
                    message.name_length = 0;
                else {
                    u32 n = min(message.name_length, from.length);
                    if (copy_array_to_user(UserOut<u8>(message.name), from.bytes, n).is_error())
                        result = Errno::EFAULT;
                    message.name_length = from.length;
                }
            }
            if (!result.is_error() &&
                copy_to_user(UserOut<MessageHeader>(message_pointer), &message).is_error())
                result = Errno::EFAULT;
        }
    }
    destroy(files);
    kfree(vectors);
    return result;
}

} // namespace

Result<u64> sys_socket(int domain, int type, int protocol) {
    int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return Errno::EINVAL;
    Socket* socket = nullptr;
    switch (domain) {
    case AF_INET:
    case AF_INET6:
        if (kind == SOCK_STREAM) {
            if (protocol != 0 && protocol != IPPROTO_TCP)
                return Errno::EPROTONOSUPPORT;
            socket = TRY(tcp_socket_create(domain));
        } else if (kind == SOCK_DGRAM) {
            if (protocol != 0 && protocol != IPPROTO_UDP)
                return Errno::EPROTONOSUPPORT;
            socket = TRY(udp_socket_create(domain));
        } else if (kind == SOCK_RAW) {
            return Errno::EPERM; // raw sockets need CAP_NET_RAW, which a unikernel does not grant
        } else {
            return Errno::ESOCKTNOSUPPORT;
        }
        break;
    case AF_UNIX:
        if (protocol != 0 && protocol != AF_UNIX)
            return Errno::EPROTONOSUPPORT;
        socket = TRY(unix_socket_create(kind == SOCK_RAW ? SOCK_DGRAM : kind));
        break;
    case AF_NETLINK:
        socket = TRY(netlink_socket_create(kind, protocol));
        break;
    default:
        return Errno::EAFNOSUPPORT;
    }
    return install_socket(socket, type);
}

Result<u64> sys_socketpair(int domain, int type, int protocol, UserOut<i32> fds) {
    int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return Errno::EINVAL;
    if (domain == AF_INET || domain == AF_INET6 || domain == AF_NETLINK)
        return Errno::EOPNOTSUPP;
    if (domain != AF_UNIX)
        return Errno::EAFNOSUPPORT;
    if (protocol != 0 && protocol != AF_UNIX)
        return Errno::EPROTONOSUPPORT;
    Socket* first;
    Socket* second;
    TRY(unix_socket_pair(kind == SOCK_RAW ? SOCK_DGRAM : kind, &first, &second));
    auto first_fd = install_socket(first, type);
    if (first_fd.is_error()) {
        second->release();
        return first_fd.error();
    }
    auto second_fd = install_socket(second, type);
    if (second_fd.is_error()) {
        (void)current_process().fds.close(int(first_fd.value()));
        return second_fd.error();
    }
    i32 pair[2] = {i32(first_fd.value()), i32(second_fd.value())};
    if (copy_array_to_user(fds, pair, 2).is_error()) {
        (void)current_process().fds.close(pair[0]);
        (void)current_process().fds.close(pair[1]);
        return Errno::EFAULT;
    }
    return 0;
}

Result<u64> sys_bind(int fd, UserIn<u8> address, u32 length) {
    Socket* socket = TRY(socket_of(fd));
    SocketAddress local = TRY(address_from_user(address.address(), length));
    TRY(socket->bind(local));
    return 0;
}

Result<u64> sys_listen(int fd, int backlog) {
    Socket* socket = TRY(socket_of(fd));
    TRY(socket->listen(backlog));
    return 0;
}

Result<u64> sys_accept4(int fd, u64 address, u64 length_pointer, int flags) {
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return Errno::EINVAL;
    Socket* socket = TRY(socket_of(fd));
    if (length_pointer) {
        u32 capacity;
        TRY(copy_from_user(&capacity, UserIn<u32>(length_pointer)));
        if (i32(capacity) < 0)
            return Errno::EINVAL;
    }
    SocketAddress peer;
    Socket* connection = TRY(socket->accept(&peer));
    u64 new_fd = TRY(install_socket(connection, flags));
    if (address_to_user(peer, address, length_pointer).is_error()) {
        // Linux keeps the connection but reports EFAULT; we close it so nothing leaks.
        (void)current_process().fds.close(int(new_fd));
        return Errno::EFAULT;
    }
    return new_fd;
}

Result<u64> sys_accept(int fd, u64 address, u64 length_pointer) {
    return sys_accept4(fd, address, length_pointer, 0);
}

Result<u64> sys_connect(int fd, UserIn<u8> address, u32 length) {
    Socket* socket = TRY(socket_of(fd));
    SocketAddress remote = TRY(address_from_user(address.address(), length));
    TRY(socket->connect(remote));
    return 0;
}

Result<u64> sys_shutdown(int fd, int how) {
    Socket* socket = TRY(socket_of(fd));
    TRY(socket->shutdown(how));
    return 0;
}

Result<u64> sys_getsockname(int fd, u64 address, u64 length_pointer) {
    Socket* socket = TRY(socket_of(fd));
    SocketAddress local;
    TRY(socket->local_address(&local));
    if (!address || !length_pointer)
        return Errno::EFAULT;
    TRY(address_to_user(local, address, length_pointer));
    return 0;
}

Result<u64> sys_getpeername(int fd, u64 address, u64 length_pointer) {
    Socket* socket = TRY(socket_of(fd));
    SocketAddress peer;
    TRY(socket->peer_address(&peer));
    if (!address || !length_pointer)
        return Errno::EFAULT;
    TRY(address_to_user(peer, address, length_pointer));
    return 0;
}

Result<u64> sys_sendto(int fd, UserIn<u8> data, u64 length, int flags, u64 address,
                       u32 address_length) {
    Socket* socket = TRY(socket_of(fd));
    SocketAddress to;
    bool has_to = address && address_length;
    if (has_to)
        to = TRY(address_from_user(address, address_length));
    return send_from_user(socket, data, length, flags, has_to ? &to : nullptr);
}

Result<u64> sys_recvfrom(int fd, UserOut<u8> data, u64 length, int flags, u64 address,
                         u64 length_pointer) {
    Socket* socket = TRY(socket_of(fd));
    SocketAddress from;
    u64 got = TRY(receive_into_user(socket, data, length, flags, address ? &from : nullptr));
    if (address && from.length) {
        TRY(address_to_user(from, address, length_pointer));
    } else if (address && length_pointer) {
        u32 none = 0; // an unnamed sender, or a stream: Linux reports an empty address
        TRY(copy_to_user(UserOut<u32>(length_pointer), &none));
    }
    return got;
}

Result<u64> sys_sendmsg(int fd, UserIn<u8> message_pointer, int flags) {
    Socket* socket = TRY(socket_of(fd));
    MessageHeader message;
    TRY(copy_from_user(&message, UserIn<MessageHeader>(message_pointer.address())));
    return send_message(socket, message, flags);
}

Result<u64> sys_recvmsg(int fd, UserIn<u8> message_pointer, int flags) {
    Socket* socket = TRY(socket_of(fd));
    return receive_message(socket, message_pointer.address(), flags);
}

Result<u64> sys_sendmmsg(int fd, u64 messages, u32 count, int flags) {
    Socket* socket = TRY(socket_of(fd));
    count = min<u32>(count, MAX_IOVECS);
    u32 sent = 0;
    for (; sent < count; sent++) {
        u64 at = messages + u64(sent) * sizeof(MultiMessageHeader);
        MessageHeader message;
        TRY(copy_from_user(&message, UserIn<MessageHeader>(at)));
        auto result = send_message(socket, message, flags);
        if (result.is_error())
            return sent ? Result<u64>(sent) : Result<u64>(result.error());
        u32 length = u32(result.value());
        TRY(copy_to_user(UserOut<u32>(at + offsetof(MultiMessageHeader, length)), &length));
    }
    return sent;
}

Result<u64> sys_recvmmsg(int fd, u64 messages, u32 count, int flags, u64 timeout) {
    Socket* socket = TRY(socket_of(fd));
    constexpr int MSG_WAITFORONE = 0x10000;
    // recvmmsg(2): the timeout is checked after each datagram (a blocking receive is not cut
    // short by it), and then recvmmsg returns what it has.
    u64 deadline = 0;
    if (timeout)
        deadline =
            deadline_after(monotonic_ns(), TRY(copy_timespec_ns(UserIn<LinuxTimespec>(timeout))));
    count = min<u32>(count, MAX_IOVECS);
    u32 received = 0;
    for (; received < count; received++) {
        if (received && deadline && monotonic_ns() >= deadline)
            break;
        u64 at = messages + u64(received) * sizeof(MultiMessageHeader);
        int these = flags & ~MSG_WAITFORONE;
        if (received && (flags & MSG_WAITFORONE))
            these |= MSG_DONTWAIT;
        auto result = receive_message(socket, at, these);
        if (result.is_error())
            return received ? Result<u64>(received) : Result<u64>(result.error());
        u32 length = u32(result.value());
        TRY(copy_to_user(UserOut<u32>(at + offsetof(MultiMessageHeader, length)), &length));
    }
    if (timeout) { // Linux writes back what is left of the timeout
        u64 now = monotonic_ns();
        u64 left = deadline > now ? deadline - now : 0;
        LinuxTimespec rest = {i64(left / NS_PER_SECOND), i64(left % NS_PER_SECOND)};
        TRY(copy_to_user(UserOut<LinuxTimespec>(timeout), &rest));
    }
    return received;
}

Result<u64> sys_setsockopt(int fd, int level, int name, UserIn<u8> value, u32 length) {
    Socket* socket = TRY(socket_of(fd));
    if (i32(length) < 0)
        return Errno::EINVAL;
    u8 buffer[256];
    if (length > sizeof buffer)
        return Errno::EINVAL;
    TRY(copy_array_from_user(buffer, value, length));
    TRY(socket->set_option(level, name, buffer, length));
    return 0;
}

Result<u64> sys_getsockopt(int fd, int level, int name, u64 value, u64 length_pointer) {
    Socket* socket = TRY(socket_of(fd));
    u32 capacity;
    TRY(copy_from_user(&capacity, UserIn<u32>(length_pointer)));
    if (i32(capacity) < 0)
        return Errno::EINVAL;
    u8 buffer[256] = {};
    u32 full = TRY(socket->get_option(level, name, buffer, min<u32>(capacity, sizeof buffer)));
    u32 written = min(capacity, full);
    TRY(copy_array_to_user(UserOut<u8>(value), buffer, written));
    TRY(copy_to_user(UserOut<u32>(length_pointer), &written));
    return 0;
}
