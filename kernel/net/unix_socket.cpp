// unix_socket.cpp: AF_UNIX sockets with Linux semantics. Each socket owns its receive queue (a
// list of chunks: one per datagram or SEQPACKET message, coalesced bytes for streams, each
// possibly carrying SCM_RIGHTS descriptors); writers append to the peer's queue and block on
// the peer's wait queue while it is full. Names live in a kernel-wide table: the VFS has no
// socket nodes yet, so a filesystem name is the canonical absolute path (the working directory
// joined and "."/".." folded), not a file; stat does not see it and unlink does not free it.
// Everything runs under the big kernel lock with interrupts held off while a socket may block.
#include "net/unix_socket.h"
#include "arch/x86_64/interrupt_guard.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "linux/process.h"
#include "linux/user_memory.h"
#include "net/interface.h"
#include "mm/heap.h"
#include "time/clock.h"

namespace {

using namespace socket_abi;

constexpr int SO_ERROR = 4;
constexpr int SO_PASSCRED = 16;
constexpr int SO_PEERCRED = 17;
constexpr int SO_ACCEPTCONN = 30;
constexpr int MAX_BACKLOG = 4096; // net.core.somaxconn
// Linux's default socket buffer (net.core.wmem_default): what one queue holds.
constexpr u32 DEFAULT_BUFFER = 212992;
// Stream bytes are appended to the last chunk while it has room; new chunks get at least this.
constexpr size_t STREAM_CHUNK = 4096;
constexpr u32 SUN_PATH_OFFSET = 2;
constexpr u32 SOCKADDR_UN_SIZE = 110;
constexpr u32 SHUTDOWN_RECEIVE = 1;
constexpr u32 SHUTDOWN_SEND = 2;

// struct ifreq with the ifr_ifindex member of its union.
struct InterfaceRequest {
    char name[16];
    i32 index;
    u8 rest[20];
};
static_assert(sizeof(InterfaceRequest) == 40);

struct Chunk {
    Chunk* next;
    size_t length;   // bytes held
    size_t consumed; // stream: bytes already read from the front
    size_t capacity;
    SocketAddress from;
    PassedFiles* files;
    u8* data() { return reinterpret_cast<u8*>(this + 1); }
};

Chunk* chunk_create(size_t capacity) {
    auto* chunk = static_cast<Chunk*>(kmalloc(sizeof(Chunk) + capacity));
    if (chunk)
        chunk->capacity = capacity;
    return chunk;
}

void chunk_destroy(Chunk* chunk) {
    destroy(chunk->files);
    kfree(chunk);
}

// A copy of `files` with references of its own (MSG_PEEK hands out descriptors without taking
// them, as Linux does).
PassedFiles* copy_files(const PassedFiles* files) {
    auto* copy = make<PassedFiles>();
    if (!copy)
        return nullptr;
    for (u32 i = 0; i < files->count; i++) {
        files->files[i]->references++;
        copy->files[copy->count++] = files->files[i];
    }
    return copy;
}

// Folds a path into an absolute one without "." and ".." components or repeated slashes.
// Returns the length, or 0 when it does not fit.
size_t canonical_path(const char* path, size_t length, char* out, size_t capacity) {
    char joined[PATH_MAX_LENGTH + 112];
    size_t n = 0;
    if (path[0] != '/') {
        const char* cwd = current_process().cwd;
        n = strlen(cwd);
        if (n + 1 + length >= sizeof joined)
            return 0;
        memcpy(joined, cwd, n);
        joined[n++] = '/';
    }
    memcpy(joined + n, path, length);
    n += length;
    size_t o = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && joined[i] == '/')
            i++;
        size_t start = i;
        while (i < n && joined[i] != '/')
            i++;
        size_t part = i - start;
        if (part == 0 || (part == 1 && joined[start] == '.'))
            continue;
        if (part == 2 && joined[start] == '.' && joined[start + 1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            continue;
        }
        if (o + 1 + part >= capacity)
            return 0;
        out[o++] = '/';
        memcpy(out + o, joined + start, part);
        o += part;
    }
    if (o == 0)
        out[o++] = '/';
    return o;
}

class UnixSocket;

// Bound sockets, in bind order. Guarded by the big kernel lock.
UnixSocket* g_bound;
u32 g_autobind_counter;

class UnixSocket final : public Socket {
  public:
    explicit UnixSocket(int type) : m_type(type) {
        m_receive_buffer = DEFAULT_BUFFER;
        m_send_buffer = DEFAULT_BUFFER;
    }

    int domain() const override { return AF_UNIX; }
    int socket_type() const override { return m_type; }

    static void connect_pair(UnixSocket* a, UnixSocket* b) {
        a->set_peer(b);
        b->set_peer(a);
    }

    Result<void> bind(const SocketAddress& address) override {
        InterruptGuard guard;
        if (m_key)
            return Errno::EINVAL;
        if (address.length == SUN_PATH_OFFSET && address.family() == AF_UNIX)
            return autobind();
        TRY(check_address(address));
        char key[PATH_MAX_LENGTH + 1];
        size_t key_length = TRY(address_key(address, key, sizeof key));
        if (find_bound(key, key_length))
            return Errno::EADDRINUSE;
        SocketAddress name = address;
        if (address.bytes[SUN_PATH_OFFSET] != 0) {
            // A filesystem name reads back NUL-terminated, however the caller passed it.
            size_t n = path_length(address);
            name.bytes[SUN_PATH_OFFSET + n] = 0;
            name.length = u32(SUN_PATH_OFFSET + n + 1);
        }
        return register_name(name, key, key_length);
    }

    Result<void> listen(int backlog) override {
        InterruptGuard guard;
        if (m_type == SOCK_DGRAM)
            return Errno::EOPNOTSUPP;
        if (!m_key || m_peer)
            return Errno::EINVAL;
        m_backlog = backlog < 0 || backlog > MAX_BACKLOG ? MAX_BACKLOG : backlog;
        m_listening = true;
        notify();
        return {};
    }

    Result<Socket*> accept(SocketAddress* peer) override {
        InterruptGuard guard;
        if (m_type == SOCK_DGRAM)
            return Errno::EOPNOTSUPP;
        if (!m_listening)
            return Errno::EINVAL;
        u64 deadline = operation_deadline(false);
        while (!m_pending) {
            if (nonblocking())
                return Errno::EAGAIN;
            TRY(wait_for_change(deadline));
        }
        UnixSocket* connection = m_pending;
        m_pending = connection->m_next_pending;
        connection->m_next_pending = nullptr;
        m_pending_count--;
        if (peer)
            connection->m_peer->name_of(peer);
        notify(); // a connect waiting for room in the backlog
        return static_cast<Socket*>(connection);
    }

    Result<void> connect(const SocketAddress& address) override {
        InterruptGuard guard;
        if (m_type == SOCK_DGRAM) {
            if (address.length >= 2 && address.family() == 0) { // AF_UNSPEC: disconnect
                set_peer(nullptr);
                return {};
            }
            UnixSocket* target = TRY(lookup(address));
            set_peer(target);
            return {};
        }
        if (m_listening)
            return Errno::EINVAL;
        if (m_peer)
            return Errno::EISCONN;
        u64 deadline = operation_deadline(true);
        for (;;) {
            UnixSocket* listener = TRY(lookup(address));
            if (!listener->m_listening)
                return Errno::ECONNREFUSED;
            // Linux admits one connection more than the backlog.
            if (listener->m_pending_count <= listener->m_backlog) {
                auto* server = make<UnixSocket>(m_type);
                if (!server)
                    return Errno::ENOMEM;
                server->m_name = listener->m_name;
                connect_pair(this, server);
                if (listener->m_pending) {
                    UnixSocket* last = listener->m_pending;
                    while (last->m_next_pending)
                        last = last->m_next_pending;
                    last->m_next_pending = server;
                } else {
                    listener->m_pending = server;
                }
                listener->m_pending_count++;
                listener->notify();
                notify();
                return {};
            }
            if (nonblocking())
                return Errno::EAGAIN;
            listener->m_references++;
            auto waited = wait_on(listener, deadline);
            listener->unref();
            TRY(waited);
        }
    }

    Result<size_t> send(const u8* data, size_t length, int flags,
                        const SocketAddress* to) override {
        return send_with_files(data, length, flags, to, nullptr);
    }

    Result<size_t> receive(u8* data, size_t length, int flags, SocketAddress* from) override {
        return receive_with_files(data, length, flags, from, nullptr);
    }

    Result<size_t> send_with_files(const u8* data, size_t length, int flags,
                                   const SocketAddress* to, PassedFiles** files) override {
        InterruptGuard guard;
        if (m_type == SOCK_STREAM)
            return send_stream(data, length, flags, to, files);
        return send_message(data, length, flags, to, files);
    }

    Result<size_t> receive_with_files(u8* data, size_t length, int flags, SocketAddress* from,
                                      PassedFiles** files) override {
        InterruptGuard guard;
        if (m_listening)
            return Errno::EINVAL;
        if (m_type == SOCK_STREAM)
            return receive_stream(data, length, flags, files);
        return receive_message(data, length, flags, from, files);
    }

    Result<void> shutdown(int how) override {
        InterruptGuard guard;
        if (how < SHUT_RD || how > SHUT_RDWR)
            return Errno::EINVAL;
        u32 mode = (how != SHUT_WR ? SHUTDOWN_RECEIVE : 0) | (how != SHUT_RD ? SHUTDOWN_SEND : 0);
        m_shutdown |= mode;
        notify();
        if (m_peer && m_type != SOCK_DGRAM) {
            // What one end stops, the other sees: no more data from us, no more taken by us.
            u32 peer_mode = ((mode & SHUTDOWN_RECEIVE) ? SHUTDOWN_SEND : 0) |
                            ((mode & SHUTDOWN_SEND) ? SHUTDOWN_RECEIVE : 0);
            m_peer->m_shutdown |= peer_mode;
            m_peer->notify();
        }
        return {};
    }

    Result<void> local_address(SocketAddress* out) override {
        InterruptGuard guard;
        name_of(out);
        return {};
    }

    Result<void> peer_address(SocketAddress* out) override {
        InterruptGuard guard;
        if (!m_peer)
            return Errno::ENOTCONN;
        m_peer->name_of(out);
        return {};
    }

    Result<void> set_option(int level, int name, const u8* value, u32 length) override {
        if (level == SOL_SOCKET && name == SO_PASSCRED) {
            if (length < sizeof(int))
                return Errno::EINVAL;
            int v;
            memcpy(&v, value, sizeof v);
            m_pass_credentials = v != 0;
            return {};
        }
        return Socket::set_option(level, name, value, length);
    }

    Result<u32> get_option(int level, int name, u8* value, u32 capacity) override {
        InterruptGuard guard;
        if (level == SOL_SOCKET) {
            int v;
            switch (name) {
            case SO_ERROR:
                v = int(m_error);
                m_error = 0;
                break;
            case SO_PASSCRED:
                v = m_pass_credentials;
                break;
            case SO_ACCEPTCONN:
                v = m_listening;
                break;
            case SO_PEERCRED: {
                // The only process is pid 1, running as root; without a peer Linux reports no
                // pid and the overflow ids.
                i32 credentials[3] = {0, 65534, 65534};
                if (m_peer || m_was_connected) {
                    credentials[0] = 1;
                    credentials[1] = 0;
                    credentials[2] = 0;
                }
                memcpy(value, credentials, min<u32>(capacity, sizeof credentials));
                return sizeof credentials;
            }
            default:
                return Socket::get_option(level, name, value, capacity);
            }
            memcpy(value, &v, min<u32>(capacity, sizeof v));
            return sizeof v;
        }
        return Socket::get_option(level, name, value, capacity);
    }

    u64 bytes_readable() override {
        InterruptGuard guard;
        if (m_type != SOCK_STREAM)
            return m_head ? m_head->length : 0;
        return m_queued;
    }

    u32 poll_events() override {
        InterruptGuard guard;
        u32 events = 0;
        if (m_listening)
            return m_pending ? poll_bits::IN | poll_bits::RDNORM : 0;
        if (m_head || (m_shutdown & SHUTDOWN_RECEIVE) || m_error)
            events |= poll_bits::IN | poll_bits::RDNORM;
        if (m_shutdown & SHUTDOWN_RECEIVE)
            events |= poll_bits::RDHUP;
        if (m_shutdown == (SHUTDOWN_RECEIVE | SHUTDOWN_SEND) || (m_type != SOCK_DGRAM && !m_peer))
            events |= poll_bits::HUP;
        if (m_error)
            events |= poll_bits::ERR;
        if (writable())
            events |= poll_bits::OUT | poll_bits::WRNORM;
        return events;
    }

    bool read_would_block() override {
        InterruptGuard guard;
        if (m_listening)
            return !m_pending;
        return !m_head && !(m_shutdown & SHUTDOWN_RECEIVE) && !m_error;
    }

    bool write_would_block() override {
        InterruptGuard guard;
        return !writable();
    }

    // Besides FIONREAD, the interface ioctls libc's if_nametoindex()/if_indextoname() send
    // through an AF_UNIX datagram socket.
    Result<u64> ioctl(u64 request, u64 argument) override {
        constexpr u64 SIOCGIFNAME = 0x8910;
        constexpr u64 SIOCGIFINDEX = 0x8933;
        if (request != SIOCGIFNAME && request != SIOCGIFINDEX)
            return Socket::ioctl(request, argument);
        InterfaceRequest ifr;
        TRY(copy_from_user(&ifr, UserIn<InterfaceRequest>(argument)));
        ifr.name[sizeof ifr.name - 1] = 0;
        InterfaceInfo info;
        for (int i = 0; interface_info(i, &info); i++) {
            if (request == SIOCGIFINDEX ? strcmp(info.name, ifr.name) == 0
                                        : info.index == ifr.index) {
                if (request == SIOCGIFINDEX)
                    ifr.index = info.index;
                else
                    memcpy(ifr.name, info.name, sizeof ifr.name);
                TRY(copy_to_user(UserOut<InterfaceRequest>(argument), &ifr));
                return 0;
            }
        }
        return Errno::ENODEV;
    }

    void release() override { close(); }

  private:
    void unref() {
        if (--m_references == 0)
            destroy(this);
    }

    void set_peer(UnixSocket* peer) {
        if (peer)
            peer->m_references++;
        if (m_peer)
            m_peer->unref();
        m_peer = peer;
        if (peer)
            m_was_connected = true;
    }

    // The socket's file is gone (or, for a connection never accepted, its listener's): free
    // the name and the queue, and tell the peer.
    void close() {
        {
            InterruptGuard guard;
            m_closed = true;
            unregister_name();
            if (m_peer && m_type != SOCK_DGRAM) {
                m_peer->m_shutdown = SHUTDOWN_RECEIVE | SHUTDOWN_SEND;
                // Linux: data we never read resets the connection for the peer.
                if (m_head)
                    m_peer->m_error = u32(Errno::ECONNRESET);
                m_peer->notify();
            }
            set_peer(nullptr);
            while (Chunk* chunk = m_head) {
                m_head = chunk->next;
                chunk_destroy(chunk);
            }
            m_tail = nullptr;
            m_queued = 0;
            while (UnixSocket* pending = m_pending) {
                m_pending = pending->m_next_pending;
                pending->close();
            }
            m_listening = false;
            notify();
        }
        unref();
    }

    bool writable() {
        if (m_type == SOCK_DGRAM) {
            if (!m_peer)
                return true;
            return m_peer->m_closed || m_peer->has_room(1);
        }
        if (!m_peer)
            return false;
        return (m_shutdown & SHUTDOWN_SEND) || m_peer->has_room(1);
    }

    bool has_room(size_t length) const { return m_queued + length <= m_receive_buffer; }

    void name_of(SocketAddress* out) const {
        if (m_name.length) {
            *out = m_name;
            return;
        }
        *out = SocketAddress();
        out->bytes[0] = AF_UNIX;
        out->length = SUN_PATH_OFFSET; // unnamed: sizeof(sa_family_t)
    }

    static Result<void> check_address(const SocketAddress& address) {
        if (address.length <= SUN_PATH_OFFSET || address.length > SOCKADDR_UN_SIZE ||
            address.family() != AF_UNIX)
            return Errno::EINVAL;
        return {};
    }

    static size_t path_length(const SocketAddress& address) {
        size_t n = 0;
        while (SUN_PATH_OFFSET + n < address.length && address.bytes[SUN_PATH_OFFSET + n])
            n++;
        return n;
    }

    // The table key: 0 and the abstract name's bytes, or the canonical path.
    static Result<size_t> address_key(const SocketAddress& address, char* key, size_t capacity) {
        const u8* name = address.bytes + SUN_PATH_OFFSET;
        if (name[0] == 0) {
            size_t n = address.length - SUN_PATH_OFFSET;
            memcpy(key, name, n);
            return n;
        }
        size_t n = canonical_path(reinterpret_cast<const char*>(name), path_length(address), key,
                                  capacity);
        if (n == 0)
            return Errno::ENAMETOOLONG;
        return n;
    }

    static UnixSocket* find_bound(const char* key, size_t length) {
        for (UnixSocket* s = g_bound; s; s = s->m_next_bound)
            if (s->m_key_length == length && memcmp(s->m_key, key, length) == 0)
                return s;
        return nullptr;
    }

    // The socket named by `address` that this one may talk to (same type).
    Result<UnixSocket*> lookup(const SocketAddress& address) {
        TRY(check_address(address));
        char key[PATH_MAX_LENGTH + 1];
        size_t length = TRY(address_key(address, key, sizeof key));
        bool abstract = key[0] == 0;
        UnixSocket* target = find_bound(key, length);
        if (!target)
            return abstract ? Errno::ECONNREFUSED : Errno::ENOENT;
        if (target->m_type != m_type)
            return abstract ? Errno::ECONNREFUSED : Errno::EPROTOTYPE;
        return target;
    }

    Result<void> register_name(const SocketAddress& name, const char* key, size_t length) {
        m_key = static_cast<char*>(kmalloc(length));
        if (!m_key)
            return Errno::ENOMEM;
        memcpy(m_key, key, length);
        m_key_length = length;
        m_name = name;
        m_next_bound = g_bound;
        g_bound = this;
        return {};
    }

    void unregister_name() {
        if (!m_key)
            return;
        for (UnixSocket** at = &g_bound; *at; at = &(*at)->m_next_bound) {
            if (*at == this) {
                *at = m_next_bound;
                break;
            }
        }
        kfree(m_key);
        m_key = nullptr;
    }

    // An abstract name of five hex digits, as Linux picks for an empty address.
    Result<void> autobind() {
        for (u32 tries = 0; tries < 0x100000; tries++) {
            u32 number = g_autobind_counter++ & 0xfffff;
            SocketAddress name;
            name.bytes[0] = AF_UNIX;
            static const char digits[] = "0123456789abcdef";
            for (int i = 0; i < 5; i++)
                name.bytes[SUN_PATH_OFFSET + 1 + i] = u8(digits[(number >> (4 * (4 - i))) & 0xf]);
            name.length = SUN_PATH_OFFSET + 6;
            char key[6];
            memcpy(key, name.bytes + SUN_PATH_OFFSET, 6);
            if (!find_bound(key, 6))
                return register_name(name, key, 6);
        }
        return Errno::ENOSPC;
    }

    // Sleeps on `target`'s queue (readers there wake it when they make room). Interrupts off.
    static Result<void> wait_on(UnixSocket* target, u64 deadline) {
        if (deadline && monotonic_ns() >= deadline)
            return Errno::EAGAIN;
        switch (target->m_waiters.wait(deadline)) {
        case WakeReason::Woken:
            return {};
        case WakeReason::TimedOut:
            return Errno::EAGAIN;
        case WakeReason::Interrupted:
            return Errno::EINTR;
        }
        return {};
    }

    void enqueue(Chunk* chunk) {
        chunk->next = nullptr;
        if (m_tail)
            m_tail->next = chunk;
        else
            m_head = chunk;
        m_tail = chunk;
        m_queued += chunk->length;
        notify();
    }

    Result<size_t> send_stream(const u8* data, size_t length, int flags, const SocketAddress* to,
                               PassedFiles** files) {
        if (to)
            return m_peer ? Errno::EISCONN : Errno::EOPNOTSUPP;
        if (!m_peer)
            return m_was_connected ? Errno::EPIPE : Errno::ENOTCONN;
        bool dont_wait = nonblocking() || (flags & MSG_DONTWAIT);
        u64 deadline = operation_deadline(true);
        size_t sent = 0;
        // As on Linux, a zero-length write sends nothing, descriptors included.
        while (sent < length) {
            if ((m_shutdown & SHUTDOWN_SEND) || !m_peer || m_peer->m_closed ||
                (m_peer->m_shutdown & SHUTDOWN_RECEIVE))
                return sent ? Result<size_t>(sent) : Result<size_t>(Errno::EPIPE);
            UnixSocket* peer = m_peer;
            size_t room = peer->m_queued < peer->m_receive_buffer
                              ? peer->m_receive_buffer - peer->m_queued
                              : 0;
            if (room == 0) {
                if (dont_wait)
                    return sent ? Result<size_t>(sent) : Result<size_t>(Errno::EAGAIN);
                auto waited = wait_on(peer, deadline);
                if (waited.is_error())
                    return sent ? Result<size_t>(sent) : Result<size_t>(waited.error());
                continue;
            }
            size_t n = min(room, length - sent);
            Chunk* tail = peer->m_tail;
            bool attach = files && *files;
            if (!attach && tail && !tail->files && tail->capacity - tail->length >= n) {
                memcpy(tail->data() + tail->length, data + sent, n);
                tail->length += n;
                peer->m_queued += n;
                peer->notify();
            } else {
                Chunk* chunk = chunk_create(max(n, STREAM_CHUNK));
                if (!chunk)
                    return sent ? Result<size_t>(sent) : Result<size_t>(Errno::ENOBUFS);
                memcpy(chunk->data(), data + sent, n);
                chunk->length = n;
                if (attach) {
                    chunk->files = *files;
                    *files = nullptr;
                }
                peer->enqueue(chunk);
            }
            sent += n;
        }
        return sent;
    }

    // SOCK_DGRAM and SOCK_SEQPACKET: one chunk per message, queued whole or not at all.
    Result<size_t> send_message(const u8* data, size_t length, int flags, const SocketAddress* to,
                                PassedFiles** files) {
        UnixSocket* target = m_peer;
        if (m_type == SOCK_SEQPACKET) {
            if (!m_peer)
                return m_was_connected ? Errno::EPIPE : Errno::ENOTCONN;
        } else if (to) {
            target = TRY(lookup(*to));
            // A socket connected to someone else takes nothing from us.
            if (target->m_peer && target->m_peer != this)
                return Errno::EPERM;
        } else if (!target) {
            return Errno::ENOTCONN;
        }
        if (length > m_send_buffer || length > target->m_receive_buffer)
            return Errno::EMSGSIZE;
        bool dont_wait = nonblocking() || (flags & MSG_DONTWAIT);
        u64 deadline = operation_deadline(true);
        target->m_references++;
        Result<size_t> result = length;
        for (;;) {
            if (m_shutdown & SHUTDOWN_SEND) {
                result = Errno::EPIPE;
                break;
            }
            if (target->m_closed) {
                result = m_type == SOCK_SEQPACKET ? Errno::EPIPE : Errno::ECONNREFUSED;
                break;
            }
            if (m_type == SOCK_SEQPACKET && (target->m_shutdown & SHUTDOWN_RECEIVE)) {
                result = Errno::EPIPE;
                break;
            }
            if (target->has_room(length) || !target->m_head)
                break;
            if (dont_wait) {
                result = Errno::EAGAIN;
                break;
            }
            auto waited = wait_on(target, deadline);
            if (waited.is_error()) {
                result = waited.error();
                break;
            }
        }
        if (!result.is_error()) {
            Chunk* chunk = chunk_create(length);
            if (!chunk) {
                result = Errno::ENOBUFS;
            } else {
                memcpy(chunk->data(), data, length);
                chunk->length = length;
                name_of(&chunk->from);
                if (!m_name.length)
                    chunk->from.length = 0; // an unnamed sender has no address to report
                if (files && *files) {
                    chunk->files = *files;
                    *files = nullptr;
                }
                target->enqueue(chunk);
            }
        }
        target->unref();
        return result;
    }

    // Waits until the queue has something or reading is over; 0 from the caller means EOF.
    Result<bool> wait_readable(int flags) {
        bool dont_wait = nonblocking() || (flags & MSG_DONTWAIT);
        u64 deadline = operation_deadline(false);
        while (!m_head) {
            if (m_error) {
                Errno error = Errno(m_error);
                m_error = 0;
                return error;
            }
            if (m_shutdown & SHUTDOWN_RECEIVE)
                return false;
            if (m_type != SOCK_DGRAM && !m_peer)
                return m_was_connected ? Result<bool>(false) : Result<bool>(Errno::ENOTCONN);
            if (dont_wait)
                return Errno::EAGAIN;
            TRY(wait_for_change(deadline));
        }
        return true;
    }

    void consumed(Chunk* chunk) {
        m_head = chunk->next;
        if (!m_head)
            m_tail = nullptr;
        chunk_destroy(chunk);
        notify(); // writers waiting for room
    }

    Result<size_t> receive_stream(u8* data, size_t length, int flags, PassedFiles** files) {
        size_t copied = 0;
        bool peek = flags & MSG_PEEK;
        for (;;) {
            if (copied && !m_head && !(flags & MSG_WAITALL))
                return copied;
            auto ready = wait_readable(flags);
            if (ready.is_error())
                return copied ? Result<size_t>(copied) : Result<size_t>(ready.error());
            if (!ready.value())
                return copied;
            Chunk* chunk = m_head;
            size_t skip = 0;
            if (peek) {
                // Peeking walks past what earlier rounds of this call copied.
                size_t seen = copied;
                while (chunk && seen >= chunk->length - chunk->consumed) {
                    seen -= chunk->length - chunk->consumed;
                    chunk = chunk->next;
                }
                if (!chunk)
                    return copied;
                skip = seen;
            }
            while (chunk && copied < length) {
                // Descriptors end a read: a chunk that carries some starts a read of its own.
                if (chunk->files && copied)
                    return copied;
                size_t available = chunk->length - chunk->consumed - skip;
                size_t n = min(available, length - copied);
                memcpy(data + copied, chunk->data() + chunk->consumed + skip, n);
                copied += n;
                skip = 0;
                PassedFiles* carried = chunk->files;
                if (carried && files)
                    *files = peek ? copy_files(carried) : carried;
                if (carried && !peek)
                    chunk->files = nullptr;
                if (carried && !peek && !files)
                    destroy(carried); // read(2) closes descriptors it cannot deliver
                Chunk* next = chunk->next;
                if (!peek) {
                    chunk->consumed += n;
                    m_queued -= n;
                    if (chunk->consumed == chunk->length)
                        consumed(chunk);
                    else
                        notify();
                }
                chunk = next;
                if (carried)
                    return copied;
            }
            if (copied == length || !(flags & MSG_WAITALL) || peek)
                return copied;
        }
    }

    Result<size_t> receive_message(u8* data, size_t length, int flags, SocketAddress* from,
                                   PassedFiles** files) {
        if (!TRY(wait_readable(flags)))
            return size_t(0);
        Chunk* chunk = m_head;
        size_t n = min(chunk->length, length);
        memcpy(data, chunk->data(), n);
        if (from)
            *from = chunk->from;
        size_t real = chunk->length;
        if (flags & MSG_PEEK) {
            if (chunk->files && files)
                *files = copy_files(chunk->files);
        } else {
            if (files) {
                *files = chunk->files;
                chunk->files = nullptr;
            }
            m_queued -= chunk->length;
            consumed(chunk);
        }
        return (flags & MSG_TRUNC) ? real : n;
    }

    int m_type;
    u32 m_references = 1; // the open file (or the listener's queue) and each peer pointing here
    UnixSocket* m_peer = nullptr;
    bool m_was_connected = false;
    bool m_closed = false;
    bool m_listening = false;
    bool m_pass_credentials = false;
    u32 m_shutdown = 0;
    u32 m_error = 0; // an Errno for SO_ERROR and the next read
    int m_backlog = 0;
    // Connections made to this listening socket and not accepted yet.
    UnixSocket* m_pending = nullptr;
    UnixSocket* m_next_pending = nullptr;
    int m_pending_count = 0;
    // The name (m_name) and its table key; m_key is null while unbound.
    SocketAddress m_name;
    char* m_key = nullptr;
    size_t m_key_length = 0;
    UnixSocket* m_next_bound = nullptr;
    Chunk* m_head = nullptr;
    Chunk* m_tail = nullptr;
    u64 m_queued = 0;
};

} // namespace

Result<Socket*> unix_socket_create(int type) {
    if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
        return Errno::ESOCKTNOSUPPORT;
    auto* socket = make<UnixSocket>(type);
    if (!socket)
        return Errno::ENOMEM;
    return socket;
}

Result<void> unix_socket_pair(int type, Socket** first, Socket** second) {
    if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
        return Errno::ESOCKTNOSUPPORT;
    auto* a = make<UnixSocket>(type);
    auto* b = make<UnixSocket>(type);
    if (!a || !b) {
        destroy(a);
        destroy(b);
        return Errno::ENOMEM;
    }
    InterruptGuard guard;
    UnixSocket::connect_pair(a, b);
    *first = a;
    *second = b;
    return {};
}
