// udp_socket.cpp: UDP with Linux semantics: datagrams queued per socket up to SO_RCVBUF (later
// ones dropped, as a full Linux socket drops them), sender addresses kept for recvfrom,
// connect() fixing the peer and filtering what arrives, MSG_PEEK/MSG_TRUNC.
#include "net/udp_socket.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "net/inet_address.h"
#include "net/stack.h"

#include "lwip/pbuf.h"
#include "lwip/udp.h"

namespace {

using namespace socket_abi;

constexpr int SO_ERROR = 4;
constexpr int IPV6_V6ONLY = 26;
constexpr size_t MAX_DATAGRAM = 65507; // 65535 - IPv4 header - UDP header

struct Datagram {
    pbuf* data;
    ip_addr_t from;
    u16 port;
    Datagram* next;
};

class UdpSocket final : public Socket {
  public:
    explicit UdpSocket(int domain) : m_domain(domain) {}

    int domain() const override { return m_domain; }
    int socket_type() const override { return SOCK_DGRAM; }
    int protocol() const override { return IPPROTO_UDP; }

    Result<void> bind(const SocketAddress& address) override {
        StackCall call;
        if (m_bound)
            return Errno::EINVAL;
        InetEndpoint endpoint = TRY(inet_endpoint(address, m_domain));
        if (m_domain == AF_INET6 && !m_v6only && ip_addr_isany(&endpoint.address))
            endpoint.address = *IP_ANY_TYPE;
        TRY(ensure_pcb());
        if (m_reuse_address || m_reuse_port)
            ip_set_option(m_pcb, SOF_REUSEADDR);
        err_t err = udp_bind(m_pcb, &endpoint.address, endpoint.port);
        if (err == ERR_USE)
            return Errno::EADDRINUSE;
        if (err != ERR_OK)
            return Errno::EADDRNOTAVAIL;
        m_bound = true;
        return {};
    }

    Result<void> connect(const SocketAddress& address) override {
        StackCall call;
        TRY(ensure_pcb());
        if (address.family() == 0) { // AF_UNSPEC dissolves the association (connect(2))
            udp_disconnect(m_pcb);
            m_connected = false;
            return {};
        }
        InetEndpoint endpoint = TRY(inet_endpoint(address, m_domain));
        if (udp_connect(m_pcb, &endpoint.address, endpoint.port) != ERR_OK)
            return Errno::EADDRNOTAVAIL;
        m_bound = true;
        m_connected = true;
        return {};
    }

    Result<size_t> send(const u8* data, size_t length, int flags,
                        const SocketAddress* to) override {
        StackCall call;
        if (m_write_shut)
            return Errno::EPIPE;
        if (length > MAX_DATAGRAM)
            return Errno::EMSGSIZE;
        TRY(ensure_pcb());
        InetEndpoint endpoint = {};
        if (to) {
            endpoint = TRY(inet_endpoint(*to, m_domain));
        } else if (!m_connected) {
            return Errno::EDESTADDRREQ;
        }
        pbuf* p = pbuf_alloc(PBUF_TRANSPORT, u16(length), PBUF_RAM);
        if (!p)
            return Errno::ENOBUFS;
        pbuf_take(p, data, u16(length));
        err_t err =
            to ? udp_sendto(m_pcb, p, &endpoint.address, endpoint.port) : udp_send(m_pcb, p);
        pbuf_free(p);
        m_bound = true;
        switch (err) {
        case ERR_OK:
            return length;
        case ERR_RTE:
            return Errno::ENETUNREACH;
        case ERR_MEM:
        case ERR_BUF:
            return Errno::ENOBUFS;
        case ERR_VAL:
            return Errno::EINVAL;
        default:
            return Errno::EIO;
        }
    }

    Result<size_t> receive(u8* data, size_t length, int flags, SocketAddress* from) override {
        StackCall call;
        bool dont_wait = nonblocking() || (flags & MSG_DONTWAIT);
        u64 deadline = operation_deadline(false);
        while (!m_head) {
            if (m_read_shut)
                return size_t(0);
            if (dont_wait)
                return Errno::EAGAIN;
            TRY(wait_for_change(deadline));
        }
        Datagram* d = m_head;
        size_t size = d->data->tot_len;
        size_t n = min(size, length);
        pbuf_copy_partial(d->data, data, u16(n), 0);
        if (from)
            inet_socket_address(d->from, d->port, m_domain, from);
        if (!(flags & MSG_PEEK)) {
            m_head = d->next;
            if (!m_head)
                m_tail = nullptr;
            m_queued -= size;
            pbuf_free(d->data);
            destroy(d);
        }
        return (flags & MSG_TRUNC) ? size : n;
    }

    Result<void> shutdown(int how) override {
        StackCall call;
        if (how < SHUT_RD || how > SHUT_RDWR)
            return Errno::EINVAL;
        if (!m_connected)
            return Errno::ENOTCONN;
        if (how != SHUT_WR)
            m_read_shut = true;
        if (how != SHUT_RD)
            m_write_shut = true;
        notify();
        return {};
    }

    Result<void> local_address(SocketAddress* out) override {
        StackCall call;
        if (!m_pcb)
            inet_socket_address(*IP4_ADDR_ANY, 0, m_domain, out);
        else
            inet_socket_address(m_pcb->local_ip, m_pcb->local_port, m_domain, out);
        return {};
    }

    Result<void> peer_address(SocketAddress* out) override {
        StackCall call;
        if (!m_connected)
            return Errno::ENOTCONN;
        inet_socket_address(m_pcb->remote_ip, m_pcb->remote_port, m_domain, out);
        return {};
    }

    Result<void> set_option(int level, int name, const u8* value, u32 length) override {
        StackCall call;
        if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY) {
            if (m_domain != AF_INET6)
                return Errno::ENOPROTOOPT;
            if (length < 4)
                return Errno::EINVAL;
            if (m_bound)
                return Errno::EINVAL;
            int v;
            memcpy(&v, value, 4);
            m_v6only = v != 0;
            if (m_pcb)
                IP_SET_TYPE_VAL(m_pcb->local_ip, m_v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY);
            return {};
        }
        return Socket::set_option(level, name, value, length);
    }

    Result<u32> get_option(int level, int name, u8* value, u32 capacity) override {
        if (level == SOL_SOCKET && name == SO_ERROR) {
            int none = 0;
            memcpy(value, &none, min<u32>(capacity, 4));
            return 4;
        }
        if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY) {
            if (m_domain != AF_INET6)
                return Errno::ENOPROTOOPT;
            int v = m_v6only;
            memcpy(value, &v, min<u32>(capacity, 4));
            return 4;
        }
        return Socket::get_option(level, name, value, capacity);
    }

    u64 bytes_readable() override {
        InterruptGuard guard;
        return m_head ? m_head->data->tot_len : 0; // Linux: the size of the next datagram
    }

    u32 poll_events() override {
        InterruptGuard guard;
        u32 events = poll_bits::OUT | poll_bits::WRNORM;
        if (m_head || m_read_shut)
            events |= poll_bits::IN | poll_bits::RDNORM;
        return events;
    }

    bool read_would_block() override {
        InterruptGuard guard;
        return !m_head && !m_read_shut;
    }

    void release() override {
        {
            StackCall call;
            if (m_pcb) {
                udp_recv(m_pcb, nullptr, nullptr);
                udp_remove(m_pcb);
                m_pcb = nullptr;
            }
            while (Datagram* d = m_head) {
                m_head = d->next;
                pbuf_free(d->data);
                destroy(d);
            }
        }
        destroy(this);
    }

  private:
    Result<void> ensure_pcb() {
        if (m_pcb)
            return {};
        u8 type = m_domain == AF_INET ? IPADDR_TYPE_V4
                  : m_v6only          ? IPADDR_TYPE_V6
                                      : IPADDR_TYPE_ANY;
        m_pcb = udp_new_ip_type(type);
        if (!m_pcb)
            return Errno::ENOMEM;
        udp_recv(m_pcb, on_receive, this);
        return {};
    }

    static void on_receive(void* arg, udp_pcb*, pbuf* p, const ip_addr_t* address, u16 port) {
        auto* socket = static_cast<UdpSocket*>(arg);
        if (!socket || socket->m_read_shut ||
            socket->m_queued + p->tot_len > socket->m_receive_buffer) {
            pbuf_free(p);
            return;
        }
        auto* d = make<Datagram>();
        if (!d) {
            pbuf_free(p);
            return;
        }
        d->data = p;
        ip_addr_copy(d->from, *address);
        d->port = port;
        d->next = nullptr;
        if (socket->m_tail)
            socket->m_tail->next = d;
        else
            socket->m_head = d;
        socket->m_tail = d;
        socket->m_queued += p->tot_len;
        socket->notify();
    }

    int m_domain;
    udp_pcb* m_pcb = nullptr;
    bool m_v6only = false;
    bool m_bound = false;
    bool m_connected = false;
    bool m_read_shut = false;
    bool m_write_shut = false;
    Datagram* m_head = nullptr;
    Datagram* m_tail = nullptr;
    u64 m_queued = 0;
};

} // namespace

Result<Socket*> udp_socket_create(int domain) {
    auto* socket = make<UdpSocket>(domain);
    if (!socket)
        return Errno::ENOMEM;
    return socket;
}
