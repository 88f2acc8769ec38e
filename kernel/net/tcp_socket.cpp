// tcp_socket.cpp: TCP with Linux socket semantics over lwIP's callback API. lwIP calls us from
// the network interrupt and from inside our own calls; callbacks only record what happened
// (data queued, peer closed, error, connection accepted) and wake whoever waits. The system
// calls do the work inside a StackCall and sleep, with interrupts still off, when they must wait.
//
// Lifetimes: a socket owns its pcb until close(). lwIP frees a pcb itself when it reports a
// fatal error (err callback), so we forget it there. A connection the listener accepted but the
// program has not yet taken is owned by the listener's queue and aborted if the listener closes.
#include "net/tcp_socket.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "net/inet_address.h"
#include "net/segment_offload.h"
#include "net/stack.h"

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

namespace {

using namespace socket_abi;

constexpr int TCP_NODELAY = 1;
constexpr int TCP_MAXSEG = 2;
constexpr int TCP_KEEPIDLE = 4;
constexpr int TCP_KEEPINTVL = 5;
constexpr int TCP_KEEPCNT = 6;
constexpr int TCP_INFO = 11;
constexpr int TCP_QUICKACK = 12;
constexpr int TCP_CONGESTION = 13;
constexpr int TCP_FASTOPEN = 23;
constexpr int SO_ERROR = 4;
constexpr int SO_ACCEPTCONN = 30;
constexpr int IPV6_V6ONLY = 26;
constexpr int IP_TOS = 1;
constexpr int IP_TTL = 2;
constexpr int MAX_BACKLOG = 4096;
constexpr Errno NO_ERROR = Errno(0);

enum class State : u8 { Unbound, Bound, Listening, Connecting, Connected, Closed };

Errno errno_for(err_t err) {
    switch (err) {
    case ERR_MEM:
    case ERR_BUF:
        return Errno::ENOMEM;
    case ERR_TIMEOUT:
        return Errno::ETIMEDOUT;
    case ERR_RTE:
        return Errno::ENETUNREACH;
    case ERR_INPROGRESS:
        return Errno::EINPROGRESS;
    case ERR_VAL:
        return Errno::EINVAL;
    case ERR_WOULDBLOCK:
        return Errno::EAGAIN;
    case ERR_USE:
        return Errno::EADDRINUSE;
    case ERR_ALREADY:
        return Errno::EALREADY;
    case ERR_ISCONN:
        return Errno::EISCONN;
    case ERR_CONN:
        return Errno::ENOTCONN;
    case ERR_ABRT:
        return Errno::ECONNABORTED;
    case ERR_RST:
        return Errno::ECONNRESET;
    case ERR_CLSD:
        return Errno::ENOTCONN;
    case ERR_ARG:
        return Errno::EINVAL;
    default:
        return Errno::EIO;
    }
}

int get_int(const u8* value, u32 length, bool* ok) {
    int v = 0;
    *ok = length >= sizeof v;
    if (*ok)
        memcpy(&v, value, sizeof v);
    return v;
}

u32 put_int(u8* out, u32 capacity, int value) {
    memcpy(out, &value, min<u32>(capacity, sizeof value));
    return sizeof value;
}

class TcpSocket final : public Socket {
  public:
    explicit TcpSocket(int domain) : m_domain(domain) {}

    int domain() const override { return m_domain; }
    int socket_type() const override { return SOCK_STREAM; }
    int protocol() const override { return IPPROTO_TCP; }

    Result<void> bind(const SocketAddress& address) override;
    Result<void> listen(int backlog) override;
    Result<Socket*> accept(SocketAddress* peer) override;
    Result<void> connect(const SocketAddress& address) override;
    Result<size_t> send(const u8* data, size_t length, int flags, const SocketAddress* to) override;
    Result<size_t> receive(u8* data, size_t length, int flags, SocketAddress* from) override;
    Result<void> shutdown(int how) override;
    Result<void> local_address(SocketAddress* out) override;
    Result<void> peer_address(SocketAddress* out) override;
    Result<void> set_option(int level, int name, const u8* value, u32 length) override;
    Result<u32> get_option(int level, int name, u8* value, u32 capacity) override;
    u64 bytes_readable() override;
    u32 poll_events() override;
    bool read_would_block() override;
    bool write_would_block() override;
    void release() override;

  private:
    static err_t on_accept(void* arg, tcp_pcb* pcb, err_t err);
    static err_t on_connected(void* arg, tcp_pcb* pcb, err_t err);
    static err_t on_receive(void* arg, tcp_pcb* pcb, pbuf* p, err_t err);
    static err_t on_sent(void* arg, tcp_pcb* pcb, u16 length);
    static void on_error(void* arg, err_t err);

    Result<void> ensure_pcb();
    void adopt(tcp_pcb* pcb);
    void detach_pcb();
    void apply_options();
    Errno take_error();
    void open_window(u64 bytes);
    void drop_received();

    int m_domain;
    bool m_v6only = false;
    bool m_nodelay = false;
    State m_state = State::Unbound;
    tcp_pcb* m_pcb = nullptr;
    Errno m_error = NO_ERROR;   // pending, reported once (SO_ERROR or the next call)
    bool m_peer_closed = false; // FIN received
    bool m_write_shut = false;
    bool m_read_shut = false;
    bool m_unread_discarded = false;
    // Data not yet read, in order: pbuf chains linked through `next` (as pbuf_cat would, without
    // walking the chain). Only `len` and `next` are used: the chain's 16-bit tot_len overflows
    // past 64 KiB, so the count is kept here.
    pbuf* m_received = nullptr;
    pbuf* m_received_last = nullptr; // the chain's last pbuf: appending does not walk it
    u32 m_received_offset = 0;       // bytes of m_received's first pbuf already read
    u64 m_received_bytes = 0;
    // Listening: accepted connections the program has not taken, oldest first.
    TcpSocket* m_pending_head = nullptr;
    TcpSocket* m_pending_tail = nullptr;
    TcpSocket* m_pending_next = nullptr;
    int m_pending_count = 0;
    int m_backlog = 0;
    int m_max_segment = 0;    // TCP_MAXSEG, 0: the negotiated MSS
    u16 m_negotiated_mss = 0; // lwIP's pcb->mss when the connection was established
    int m_keepalive_idle = 7200, m_keepalive_interval = 75, m_keepalive_count = 9;
};

Result<void> TcpSocket::ensure_pcb() {
    if (m_pcb)
        return {};
    if (m_state == State::Closed)
        return Errno::EINVAL;
    u8 type = m_domain == AF_INET ? IPADDR_TYPE_V4 : m_v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY;
    tcp_pcb* pcb = tcp_new_ip_type(type);
    if (!pcb)
        return Errno::ENOMEM;
    adopt(pcb);
    return {};
}

void TcpSocket::adopt(tcp_pcb* pcb) {
    m_pcb = pcb;
    tcp_arg(pcb, this);
    tcp_recv(pcb, on_receive);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_error);
    apply_options();
}

void TcpSocket::apply_options() {
    if (!m_pcb || m_state == State::Listening)
        return;
    // TCP_MAXSEG caps the segments we send once the connection has its negotiated MSS; an
    // interface that cuts large segments gets them (net/segment_offload.h).
    if (m_state == State::Connected) {
        if (!m_negotiated_mss)
            m_negotiated_mss = m_pcb->mss;
        u16 mss = m_negotiated_mss;
        if (m_max_segment && mss > m_max_segment)
            mss = u16(m_max_segment);
        segment_offload::apply(m_pcb, mss);
    }
    if (m_nodelay)
        tcp_nagle_disable(m_pcb);
    else
        tcp_nagle_enable(m_pcb);
    if (m_keepalive)
        ip_set_option(m_pcb, SOF_KEEPALIVE);
    else
        ip_reset_option(m_pcb, SOF_KEEPALIVE);
    m_pcb->keep_idle = u32(m_keepalive_idle) * 1000;
    m_pcb->keep_intvl = u32(m_keepalive_interval) * 1000;
    m_pcb->keep_cnt = u32(m_keepalive_count);
}

void TcpSocket::detach_pcb() {
    if (!m_pcb)
        return;
    tcp_arg(m_pcb, nullptr);
    if (m_state == State::Listening) {
        tcp_accept(m_pcb, nullptr);
    } else {
        tcp_recv(m_pcb, nullptr);
        tcp_sent(m_pcb, nullptr);
        tcp_err(m_pcb, nullptr);
    }
    m_pcb = nullptr;
}

void TcpSocket::open_window(u64 bytes) {
    while (bytes && m_pcb) {
        u16 n = u16(min<u64>(bytes, 0xffff));
        tcp_recved(m_pcb, n);
        bytes -= n;
    }
}

void TcpSocket::drop_received() {
    if (m_received)
        pbuf_free(m_received);
    m_received = nullptr;
    m_received_last = nullptr;
    m_received_offset = 0;
    m_received_bytes = 0;
}

Errno TcpSocket::take_error() {
    Errno e = m_error;
    m_error = NO_ERROR;
    return e;
}

// --- lwIP callbacks ---------------------------------------------------------------------------

err_t TcpSocket::on_accept(void* arg, tcp_pcb* pcb, err_t err) {
    auto* listener = static_cast<TcpSocket*>(arg);
    if (!listener || err != ERR_OK || !pcb)
        return ERR_VAL;
    if (listener->m_pending_count >= listener->m_backlog) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    auto* child = make<TcpSocket>(listener->m_domain);
    if (!child) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    // Options a listening socket passes on to its connections, as on Linux.
    child->m_nodelay = listener->m_nodelay;
    child->m_keepalive = listener->m_keepalive;
    child->m_receive_timeout_ns = listener->m_receive_timeout_ns;
    child->m_send_timeout_ns = listener->m_send_timeout_ns;
    child->m_linger_seconds = listener->m_linger_seconds;
    child->m_max_segment = listener->m_max_segment;
    child->m_state = State::Connected;
    child->adopt(pcb);
    tcp_backlog_delayed(pcb); // counts against the backlog until accept() takes it
    if (listener->m_pending_tail)
        listener->m_pending_tail->m_pending_next = child;
    else
        listener->m_pending_head = child;
    listener->m_pending_tail = child;
    listener->m_pending_count++;
    listener->notify();
    return ERR_OK;
}

err_t TcpSocket::on_connected(void* arg, tcp_pcb*, err_t err) {
    auto* socket = static_cast<TcpSocket*>(arg);
    if (!socket)
        return ERR_OK;
    socket->m_state = err == ERR_OK ? State::Connected : State::Closed;
    socket->apply_options();
    if (err != ERR_OK)
        socket->m_error = errno_for(err);
    socket->notify();
    return ERR_OK;
}

err_t TcpSocket::on_receive(void* arg, tcp_pcb* pcb, pbuf* p, err_t) {
    auto* socket = static_cast<TcpSocket*>(arg);
    if (!socket) {
        if (p) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (!p) {
        socket->m_peer_closed = true;
    } else if (socket->m_read_shut) {
        tcp_recved(pcb, p->tot_len); // SHUT_RD: data is accepted and dropped, as Linux does
        pbuf_free(p);
    } else {
        socket->m_received_bytes += p->tot_len;
        if (socket->m_received) {
            socket->m_received_last->next = p; // the chain takes over p's reference
        } else {
            socket->m_received = p;
            socket->m_received_offset = 0;
        }
        pbuf* last = p;
        while (last->next)
            last = last->next;
        socket->m_received_last = last;
    }
    socket->notify();
    return ERR_OK;
}

err_t TcpSocket::on_sent(void* arg, tcp_pcb*, u16) {
    if (auto* socket = static_cast<TcpSocket*>(arg))
        socket->notify();
    return ERR_OK;
}

void TcpSocket::on_error(void* arg, err_t err) {
    auto* socket = static_cast<TcpSocket*>(arg);
    if (!socket)
        return;
    // lwIP has freed the pcb already.
    socket->m_pcb = nullptr;
    if (socket->m_state == State::Connecting)
        socket->m_error = err == ERR_TIMEOUT ? Errno::ETIMEDOUT : Errno::ECONNREFUSED;
    else if (err == ERR_RST || err == ERR_ABRT)
        socket->m_error = err == ERR_RST ? Errno::ECONNRESET : Errno::ECONNABORTED;
    else if (err != ERR_CLSD)
        socket->m_error = errno_for(err);
    socket->m_state = State::Closed;
    socket->notify();
}

// --- operations -------------------------------------------------------------------------------

Result<void> TcpSocket::bind(const SocketAddress& address) {
    StackCall call;
    if (m_state != State::Unbound)
        return Errno::EINVAL;
    InetEndpoint endpoint = TRY(inet_endpoint(address, m_domain));
    if (m_domain == AF_INET6 && !m_v6only && ip_addr_isany(&endpoint.address))
        endpoint.address = *IP_ANY_TYPE; // [::] takes IPv4 too unless IPV6_V6ONLY
    TRY(ensure_pcb());
    if (m_reuse_address || m_reuse_port)
        ip_set_option(m_pcb, SOF_REUSEADDR);
    err_t err = tcp_bind(m_pcb, &endpoint.address, endpoint.port);
    if (err != ERR_OK)
        return err == ERR_VAL ? Errno::EADDRNOTAVAIL : errno_for(err);
    m_state = State::Bound;
    return {};
}

Result<void> TcpSocket::listen(int backlog) {
    StackCall call;
    backlog = backlog <= 0 ? 1 : min(backlog, MAX_BACKLOG);
    if (m_state == State::Listening) {
        m_backlog = backlog;
        tcp_backlog_set(m_pcb, u8(min(backlog, 255))); // lwIP's own SYN backlog is 8 bits
        return {};
    }
    if (m_state == State::Unbound) {
        TRY(ensure_pcb());
        if (m_reuse_address || m_reuse_port)
            ip_set_option(m_pcb, SOF_REUSEADDR);
        err_t err = tcp_bind(
            m_pcb, m_domain == AF_INET ? IP4_ADDR_ANY : (m_v6only ? IP6_ADDR_ANY : IP_ANY_TYPE), 0);
        if (err != ERR_OK)
            return errno_for(err);
        m_state = State::Bound;
    }
    if (m_state != State::Bound)
        return Errno::EINVAL;
    err_t err = ERR_OK;
    tcp_pcb* listener = tcp_listen_with_backlog_and_err(m_pcb, u8(min(backlog, 255)), &err);
    if (!listener)
        return errno_for(err);
    m_pcb = listener; // lwIP freed the bound pcb and gave us a smaller listening one
    m_backlog = backlog;
    m_state = State::Listening;
    tcp_arg(listener, this);
    tcp_accept(listener, on_accept);
    return {};
}

Result<Socket*> TcpSocket::accept(SocketAddress* peer) {
    StackCall call;
    if (m_state != State::Listening)
        return Errno::EINVAL;
    u64 deadline = operation_deadline(false);
    while (!m_pending_head) {
        if (nonblocking())
            return Errno::EAGAIN;
        TRY(wait_for_change(deadline));
        if (m_state != State::Listening)
            return Errno::EINVAL;
    }
    TcpSocket* child = m_pending_head;
    m_pending_head = child->m_pending_next;
    if (!m_pending_head)
        m_pending_tail = nullptr;
    child->m_pending_next = nullptr;
    m_pending_count--;
    if (child->m_pcb)
        tcp_backlog_accepted(child->m_pcb);
    if (peer)
        (void)child->peer_address(peer);
    return child;
}

Result<void> TcpSocket::connect(const SocketAddress& address) {
    StackCall call;
    switch (m_state) {
    case State::Connecting:
        return Errno::EALREADY;
    case State::Connected:
        return Errno::EISCONN;
    case State::Listening:
        return Errno::EISCONN;
    case State::Closed:
        if (m_error != NO_ERROR)
            return take_error();
        return Errno::EISCONN;
    default:
        break;
    }
    InetEndpoint endpoint = TRY(inet_endpoint(address, m_domain));
    if (ip_addr_isany(&endpoint.address)) {
        // Linux connects to the local host for the unspecified address.
        if (IP_IS_V4(&endpoint.address))
            ip_addr_set_loopback(0, &endpoint.address);
        else
            ip_addr_set_loopback(1, &endpoint.address);
    }
    TRY(ensure_pcb());
    err_t err = tcp_connect(m_pcb, &endpoint.address, endpoint.port, on_connected);
    if (err != ERR_OK)
        return errno_for(err);
    m_state = State::Connecting;
    if (nonblocking())
        return Errno::EINPROGRESS;
    u64 deadline = operation_deadline(true);
    while (m_state == State::Connecting)
        TRY(wait_for_change(deadline)); // EINTR: the connection goes on, as on Linux
    if (m_state != State::Connected) {
        Errno error = take_error();
        return error != NO_ERROR ? error : Errno::ECONNREFUSED;
    }
    return {};
}

Result<size_t> TcpSocket::send(const u8* data, size_t length, int flags, const SocketAddress*) {
    StackCall call;
    bool dont_wait = nonblocking() || (flags & MSG_DONTWAIT);
    u64 deadline = operation_deadline(true);
    size_t done = 0;
    for (;;) {
        if (m_error != NO_ERROR)
            return done ? Result<size_t>(done) : Result<size_t>(take_error());
        if (m_write_shut || (m_state == State::Closed))
            return done ? Result<size_t>(done) : Result<size_t>(Errno::EPIPE);
        if (m_state != State::Connected || !m_pcb)
            return done ? Result<size_t>(done) : Result<size_t>(Errno::ENOTCONN);
        if (done == length)
            return done;
        u32 space = tcp_sndbuf(m_pcb);
        if (space > 0 && tcp_sndqueuelen(m_pcb) < TCP_SND_QUEUELEN) {
            size_t chunk = min<size_t>(min<size_t>(length - done, space), 0xffff);
            u8 write_flags = TCP_WRITE_FLAG_COPY;
            if ((flags & MSG_MORE) || done + chunk < length)
                write_flags |= TCP_WRITE_FLAG_MORE;
            err_t err = tcp_write(m_pcb, data + done, u16(chunk), write_flags);
            if (err == ERR_OK) {
                done += chunk;
                if (done == length && !(flags & MSG_MORE))
                    tcp_output(m_pcb);
                continue;
            }
            if (err != ERR_MEM)
                return done ? Result<size_t>(done) : Result<size_t>(errno_for(err));
        }
        // No room: push out what is queued, then wait for acknowledgements.
        tcp_output(m_pcb);
        if (dont_wait)
            return done ? Result<size_t>(done) : Result<size_t>(Errno::EAGAIN);
        auto waited = wait_for_change(deadline);
        if (waited.is_error())
            return done ? Result<size_t>(done) : Result<size_t>(waited.error());
    }
}

Result<size_t> TcpSocket::receive(u8* data, size_t length, int flags, SocketAddress*) {
    StackCall call;
    bool dont_wait = nonblocking() || (flags & MSG_DONTWAIT);
    bool peek = flags & MSG_PEEK;
    u64 deadline = operation_deadline(false);
    size_t done = 0;
    for (;;) {
        if (m_received && done < length) {
            pbuf* p = m_received;
            u32 offset = m_received_offset;
            size_t taken = 0;
            while (p && done + taken < length) {
                size_t n = min<size_t>(p->len - offset, length - done - taken);
                memcpy(data + done + taken, static_cast<u8*>(p->payload) + offset, n);
                taken += n;
                offset += u32(n);
                if (offset == p->len) {
                    p = p->next;
                    offset = 0;
                }
            }
            if (!peek) {
                // Free the pbufs read to the end (keeping the rest of the chain alive).
                while (m_received != p) {
                    pbuf* next = m_received->next;
                    if (next)
                        pbuf_ref(next);
                    pbuf_free(m_received);
                    m_received = next;
                }
                if (!m_received)
                    m_received_last = nullptr;
                m_received_offset = offset;
                m_received_bytes -= taken;
                open_window(taken);
            }
            done += taken;
            if (done == length || !(flags & MSG_WAITALL) || peek)
                return done;
        }
        if (done && !(flags & MSG_WAITALL))
            return done;
        if (m_error != NO_ERROR)
            return done ? Result<size_t>(done) : Result<size_t>(take_error());
        if (m_peer_closed || m_read_shut || m_state == State::Closed)
            return done;
        if (m_state != State::Connected && m_state != State::Connecting)
            return Errno::ENOTCONN;
        if (length == 0)
            return size_t(0);
        if (dont_wait)
            return done ? Result<size_t>(done) : Result<size_t>(Errno::EAGAIN);
        auto waited = wait_for_change(deadline);
        if (waited.is_error())
            return done ? Result<size_t>(done) : Result<size_t>(waited.error());
    }
}

Result<void> TcpSocket::shutdown(int how) {
    StackCall call;
    if (how < SHUT_RD || how > SHUT_RDWR)
        return Errno::EINVAL;
    if (m_state == State::Listening) {
        // Linux stops a listener on shutdown(SHUT_RD/RDWR): accept() then fails with EINVAL.
        if (how != SHUT_WR) {
            detach_pcb();
            m_state = State::Closed;
            notify();
        }
        return {};
    }
    if (m_state != State::Connected && m_state != State::Connecting)
        return Errno::ENOTCONN;
    bool read = how != SHUT_WR, write = how != SHUT_RD;
    if (read) {
        m_read_shut = true;
        open_window(m_received_bytes);
        drop_received();
    }
    if (write && !m_write_shut && m_pcb) {
        m_write_shut = true;
        tcp_shutdown(m_pcb, 0, 1); // sends FIN after queued data
    }
    notify();
    return {};
}

Result<void> TcpSocket::local_address(SocketAddress* out) {
    StackCall call;
    if (!m_pcb) {
        inet_socket_address(*IP4_ADDR_ANY, 0, m_domain, out);
        return {};
    }
    inet_socket_address(m_pcb->local_ip, m_pcb->local_port, m_domain, out);
    return {};
}

Result<void> TcpSocket::peer_address(SocketAddress* out) {
    StackCall call;
    if (m_state != State::Connected || !m_pcb)
        return Errno::ENOTCONN;
    inet_socket_address(m_pcb->remote_ip, m_pcb->remote_port, m_domain, out);
    return {};
}

Result<void> TcpSocket::set_option(int level, int name, const u8* value, u32 length) {
    StackCall call;
    bool ok;
    if (level == IPPROTO_TCP) {
        int v = get_int(value, length, &ok);
        if (!ok)
            return Errno::EINVAL;
        switch (name) {
        case TCP_NODELAY:
            m_nodelay = v != 0;
            break;
        case TCP_KEEPIDLE:
        case TCP_KEEPINTVL:
        case TCP_KEEPCNT:
            if (v < 1 || v > 32767)
                return Errno::EINVAL;
            (name == TCP_KEEPIDLE    ? m_keepalive_idle
             : name == TCP_KEEPINTVL ? m_keepalive_interval
                                     : m_keepalive_count) = v;
            break;
        case TCP_MAXSEG:
            if (v < 88 || v > 32767) // Linux's bounds
                return Errno::EINVAL;
            m_max_segment = v;
            break;
        case TCP_QUICKACK:
        case TCP_FASTOPEN:
            // Hints: Linux may also ignore them (quick ACK mode ends by itself; a listener
            // without fast-open cookies serves every client the normal way).
            break;
        default:
            return Errno::ENOPROTOOPT;
        }
        apply_options();
        return {};
    }
    if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY) {
        int v = get_int(value, length, &ok);
        if (!ok)
            return Errno::EINVAL;
        if (m_domain != AF_INET6)
            return Errno::ENOPROTOOPT;
        if (m_state != State::Unbound)
            return Errno::EINVAL;
        m_v6only = v != 0;
        if (m_pcb) // created early (an option set before bind): retype it
            IP_SET_TYPE_VAL(m_pcb->local_ip, m_v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY);
        return {};
    }
    if (level == IPPROTO_IP && (name == IP_TOS || name == IP_TTL)) {
        int v = get_int(value, length, &ok);
        if (!ok)
            return Errno::EINVAL;
        if (m_domain != AF_INET && m_domain != AF_INET6)
            return Errno::ENOPROTOOPT;
        TRY(ensure_pcb());
        if (name == IP_TOS)
            m_pcb->tos = u8(v);
        else
            m_pcb->ttl = u8(v);
        return {};
    }
    TRY(Socket::set_option(level, name, value, length));
    apply_options();
    return {};
}

Result<u32> TcpSocket::get_option(int level, int name, u8* value, u32 capacity) {
    StackCall call;
    if (level == SOL_SOCKET && name == SO_ERROR)
        return put_int(value, capacity, int(take_error()));
    if (level == SOL_SOCKET && name == SO_ACCEPTCONN)
        return put_int(value, capacity, m_state == State::Listening);
    if (level == IPPROTO_TCP) {
        switch (name) {
        case TCP_NODELAY:
            return put_int(value, capacity, m_nodelay);
        case TCP_MAXSEG:
            return put_int(value, capacity,
                           m_pcb && m_state == State::Connected ? segment_offload::wire_mss(m_pcb)
                           : m_max_segment                      ? m_max_segment
                                                                : TCP_MSS);
        case TCP_KEEPIDLE:
            return put_int(value, capacity, m_keepalive_idle);
        case TCP_KEEPINTVL:
            return put_int(value, capacity, m_keepalive_interval);
        case TCP_KEEPCNT:
            return put_int(value, capacity, m_keepalive_count);
        case TCP_CONGESTION: {
            const char name_text[] = "reno";
            memcpy(value, name_text, min<u32>(capacity, sizeof name_text));
            return u32(sizeof name_text);
        }
        default:
            return Errno::ENOPROTOOPT;
        }
    }
    if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY) {
        if (m_domain != AF_INET6)
            return Errno::ENOPROTOOPT;
        return put_int(value, capacity, m_v6only);
    }
    if (level == IPPROTO_IP && (name == IP_TOS || name == IP_TTL))
        return put_int(value, capacity,
                       name == IP_TOS ? (m_pcb ? m_pcb->tos : 0) : (m_pcb ? m_pcb->ttl : 64));
    return Socket::get_option(level, name, value, capacity);
}

u64 TcpSocket::bytes_readable() {
    StackCall call;
    return m_received_bytes;
}

u32 TcpSocket::poll_events() {
    InterruptGuard guard;
    using namespace poll_bits;
    u32 events = 0;
    if (m_state == State::Listening)
        return m_pending_head ? IN | RDNORM : 0;
    if (m_received || m_peer_closed || m_read_shut)
        events |= IN | RDNORM;
    if (m_peer_closed)
        events |= RDHUP;
    if (m_state == State::Connected && m_pcb && !m_write_shut &&
        tcp_sndbuf(m_pcb) >= TCP_SNDLOWAT && tcp_sndqueuelen(m_pcb) < TCP_SNDQUEUELOWAT)
        events |= OUT | WRNORM;
    if (m_error != NO_ERROR)
        events |= ERR;
    if (m_state == State::Closed || (m_peer_closed && m_write_shut) || m_state == State::Unbound ||
        m_state == State::Bound)
        events |= HUP;
    if (m_state == State::Closed || m_write_shut)
        events |= OUT | WRNORM; // a write would not block: it fails at once
    return events;
}

bool TcpSocket::read_would_block() {
    InterruptGuard guard;
    return (m_state == State::Connected || m_state == State::Connecting) && !m_received &&
           !m_peer_closed && !m_read_shut && m_error == NO_ERROR;
}

bool TcpSocket::write_would_block() {
    InterruptGuard guard;
    return m_state == State::Connected && m_pcb && !m_write_shut && m_error == NO_ERROR &&
           (tcp_sndbuf(m_pcb) == 0 || tcp_sndqueuelen(m_pcb) >= TCP_SND_QUEUELEN);
}

void TcpSocket::release() {
    {
        StackCall call;
        if (m_state == State::Listening) {
            while (TcpSocket* child = m_pending_head) {
                m_pending_head = child->m_pending_next;
                if (child->m_pcb) {
                    tcp_pcb* pcb = child->m_pcb;
                    child->detach_pcb();
                    tcp_abort(pcb);
                }
                child->drop_received();
                destroy(child);
            }
            if (m_pcb) {
                tcp_pcb* pcb = m_pcb;
                detach_pcb();
                tcp_close(pcb);
            }
        } else if (m_pcb) {
            tcp_pcb* pcb = m_pcb;
            bool unread = m_received != nullptr;
            detach_pcb();
            // Linux resets the connection when data is left unread, or SO_LINGER with 0 asks.
            if (unread || m_linger_seconds == 0 || tcp_close(pcb) != ERR_OK)
                tcp_abort(pcb);
        }
        drop_received();
    }
    destroy(this);
}

} // namespace

Result<Socket*> tcp_socket_create(int domain) {
    auto* socket = make<TcpSocket>(domain);
    if (!socket)
        return Errno::ENOMEM;
    return socket;
}
