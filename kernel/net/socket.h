// socket.h: a socket as the rest of the kernel sees it: an Inode (so read/write/close/poll and
// epoll work on it unchanged) with the socket operations on top. Each family implements the
// operations it has (TCP, UDP, Unix); the rest answer as Linux does for that family.
#pragma once

#include "fs/inode.h"
#include "fs/open_file.h"
#include "sched/wait_queue.h"

namespace socket_abi {
constexpr int AF_UNIX = 1;
constexpr int AF_INET = 2;
constexpr int AF_INET6 = 10;
constexpr int AF_NETLINK = 16;
constexpr int SOCK_STREAM = 1;
constexpr int SOCK_DGRAM = 2;
constexpr int SOCK_RAW = 3;
constexpr int SOCK_SEQPACKET = 5;
constexpr int SOCK_NONBLOCK = 0x800;
constexpr int SOCK_CLOEXEC = 0x80000;
constexpr int MSG_OOB = 0x1;
constexpr int MSG_PEEK = 0x2;
constexpr int MSG_TRUNC = 0x20;
constexpr int MSG_DONTWAIT = 0x40;
constexpr int MSG_EOR = 0x80;
constexpr int MSG_WAITALL = 0x100;
constexpr int MSG_NOSIGNAL = 0x4000;
constexpr int MSG_MORE = 0x8000;
constexpr int MSG_CMSG_CLOEXEC = 0x40000000;
constexpr int SHUT_RD = 0;
constexpr int SHUT_WR = 1;
constexpr int SHUT_RDWR = 2;
constexpr int SOL_SOCKET = 1;
constexpr int IPPROTO_IP = 0;
constexpr int IPPROTO_TCP = 6;
constexpr int IPPROTO_UDP = 17;
constexpr int IPPROTO_IPV6 = 41;
} // namespace socket_abi

// Descriptors passed with SCM_RIGHTS: open file descriptions, each holding one reference that
// the destructor drops. Travels with the data from sendmsg to the receiving socket's recvmsg.
struct PassedFiles {
    static constexpr u32 MAX = 253; // SCM_MAX_FD
    OpenFile* files[MAX] = {};
    u32 count = 0;
    ~PassedFiles() {
        for (u32 i = 0; i < count; i++)
            open_file_release(files[i]);
    }
};

// A socket address as the program passes it (struct sockaddr_*, at most sockaddr_storage).
struct SocketAddress {
    static constexpr u32 CAPACITY = 128;
    u8 bytes[CAPACITY] = {};
    u32 length = 0;
    u16 family() const { return length >= 2 ? u16(bytes[0] | (bytes[1] << 8)) : 0; }
};

class Socket : public Inode {
  public:
    virtual int domain() const = 0;
    virtual int socket_type() const = 0;
    virtual int protocol() const { return 0; }

    virtual Result<void> bind(const SocketAddress&) { return Errno::EOPNOTSUPP; }
    virtual Result<void> listen(int) { return Errno::EOPNOTSUPP; }
    // A new connection; its peer's address in *peer when asked.
    virtual Result<Socket*> accept(SocketAddress*) { return Errno::EOPNOTSUPP; }
    virtual Result<void> connect(const SocketAddress&) { return Errno::EOPNOTSUPP; }
    // Data with MSG_* flags; `to` is the destination for datagrams (nullptr: connected peer).
    virtual Result<size_t> send(const u8* data, size_t length, int flags,
                                const SocketAddress* to) = 0;
    // `from` (may be nullptr) receives the sender's address; MSG_TRUNC makes it return the
    // datagram's real length.
    virtual Result<size_t> receive(u8* data, size_t length, int flags, SocketAddress* from) = 0;
    // send()/receive() with descriptors (SCM_RIGHTS). A family that carries them (AF_UNIX) takes
    // *files (setting it to nullptr) when the data is queued, and hands received ones back in
    // *files. Other families refuse descriptors with EINVAL, as Linux does.
    virtual Result<size_t> send_with_files(const u8* data, size_t length, int flags,
                                           const SocketAddress* to, PassedFiles** files) {
        if (files && *files)
            return Errno::EINVAL;
        return send(data, length, flags, to);
    }
    virtual Result<size_t> receive_with_files(u8* data, size_t length, int flags,
                                              SocketAddress* from, PassedFiles** files) {
        return receive(data, length, flags, from);
    }
    virtual Result<void> shutdown(int) { return Errno::ENOTCONN; }
    virtual Result<void> local_address(SocketAddress*) { return Errno::EOPNOTSUPP; }
    virtual Result<void> peer_address(SocketAddress*) { return Errno::ENOTCONN; }
    // Options the family knows; SOL_SOCKET ones shared by all are handled here first.
    virtual Result<void> set_option(int level, int name, const u8* value, u32 length);
    // Writes at most `capacity` bytes and returns the option's full length.
    virtual Result<u32> get_option(int level, int name, u8* value, u32 capacity);
    // FIONREAD: bytes a read would return now.
    virtual u64 bytes_readable() { return 0; }

    // The open file description this socket belongs to (one per socket; dup shares it), for
    // O_NONBLOCK, which the program can change at any time with fcntl.
    void attach(OpenFile* file) { m_file = file; }
    bool nonblocking() const { return m_file && (m_file->flags & 0x800); }

    Result<size_t> read(u64, u8* buffer, size_t length) override {
        return receive(buffer, length, 0, nullptr);
    }
    Result<size_t> write(u64, const u8* buffer, size_t length) override {
        return send(buffer, length, 0, nullptr);
    }
    u32 mode_bits() override { return 0777; }
    u64 readiness_events() override { return m_readiness_events; }
    // FIONREAD (SIOCINQ).
    Result<u64> ioctl(u64 request, u64 argument) override;

  protected:
    Socket() : Inode(InodeType::Socket) {}

    // The deadline SO_RCVTIMEO/SO_SNDTIMEO put on an operation starting now (0: none).
    u64 operation_deadline(bool sending) const;
    // Blocks until notify(), the deadline or a signal. Call with interrupts off (a StackCall or
    // InterruptGuard held), having just found the condition false, so no wake-up is missed.
    // Errors: EAGAIN at the deadline, EINTR for a signal.
    Result<void> wait_for_change(u64 deadline_ns);
    // Something the socket's readers, writers or pollers wait for changed.
    void notify();

    OpenFile* m_file = nullptr;
    WaitQueue m_waiters;
    u64 m_readiness_events = 0;
    u64 m_receive_timeout_ns = 0;
    u64 m_send_timeout_ns = 0;
    bool m_reuse_address = false;
    bool m_reuse_port = false;
    bool m_keepalive = false;
    bool m_broadcast = false;
    int m_linger_seconds = -1; // SO_LINGER off
    u32 m_receive_buffer = 256 * 1024;
    u32 m_send_buffer = 256 * 1024;
};
