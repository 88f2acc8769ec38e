// netlink_socket.cpp: NETLINK_ROUTE answered from the interface snapshots of net/interface.h.
// Requests are handled as they are sent (musl reads the answer with MSG_DONTWAIT right away),
// each answer message is queued as its own datagram from the kernel (port 0), dumps end with
// NLMSG_DONE, and what we do not implement gets an NLMSG_ERROR of -EOPNOTSUPP.
#include "net/netlink_socket.h"
#include "arch/x86_64/interrupt_guard.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "net/interface.h"

namespace {

using namespace socket_abi;

constexpr int NETLINK_ROUTE = 0;
constexpr int SOL_NETLINK = 270;
constexpr u32 SOCKADDR_NL_SIZE = 12;
// Linux gives a process's first netlink socket its pid, later ones ports counting down from here.
constexpr u32 FIRST_ROVER_PORT = u32(-4096);
constexpr u32 MAX_QUEUED = 212992; // the default receive buffer

namespace nl {
constexpr u16 NLMSG_NOOP = 1;
constexpr u16 NLMSG_ERROR = 2;
constexpr u16 NLMSG_DONE = 3;
constexpr u16 NLMSG_MIN_TYPE = 0x10;
constexpr u16 F_REQUEST = 0x1;
constexpr u16 F_MULTI = 0x2;
constexpr u16 F_ACK = 0x4;
constexpr u16 F_DUMP = 0x300;
constexpr u16 RTM_NEWLINK = 16;
constexpr u16 RTM_GETLINK = 18;
constexpr u16 RTM_NEWADDR = 20;
constexpr u16 RTM_GETADDR = 22;
constexpr u16 IFLA_ADDRESS = 1;
constexpr u16 IFLA_BROADCAST = 2;
constexpr u16 IFLA_IFNAME = 3;
constexpr u16 IFLA_MTU = 4;
constexpr u16 IFLA_TXQLEN = 13;
constexpr u16 IFLA_OPERSTATE = 16;
constexpr u16 IFA_ADDRESS = 1;
constexpr u16 IFA_LOCAL = 2;
constexpr u16 IFA_LABEL = 3;
constexpr u16 IFA_BROADCAST = 4;
constexpr u16 ARPHRD_ETHER = 1;
constexpr u16 ARPHRD_LOOPBACK = 772;
constexpr u32 IFF_UP = 0x1;
constexpr u32 IFF_BROADCAST = 0x2;
constexpr u32 IFF_LOOPBACK = 0x8;
constexpr u32 IFF_RUNNING = 0x40;
constexpr u32 IFF_MULTICAST = 0x1000;
constexpr u32 IFF_LOWER_UP = 0x10000;
constexpr u8 IFA_F_PERMANENT = 0x80;
constexpr u8 RT_SCOPE_UNIVERSE = 0;
constexpr u8 RT_SCOPE_LINK = 253;
constexpr u8 RT_SCOPE_HOST = 254;
constexpr u8 IF_OPER_UNKNOWN = 0;
constexpr u8 IF_OPER_UP = 6;
} // namespace nl

struct MessageHeader {
    u32 length;
    u16 type;
    u16 flags;
    u32 sequence;
    u32 port;
};
static_assert(sizeof(MessageHeader) == 16);

struct InterfaceMessage { // struct ifinfomsg
    u8 family;
    u8 pad;
    u16 type;
    i32 index;
    u32 flags;
    u32 change;
};
static_assert(sizeof(InterfaceMessage) == 16);

struct AddressMessage { // struct ifaddrmsg
    u8 family;
    u8 prefix_length;
    u8 flags;
    u8 scope;
    u32 index;
};
static_assert(sizeof(AddressMessage) == 8);

constexpr u32 align4(u32 n) {
    return (n + 3) & ~3u;
}

// Builds one answer message: header, family header, attributes.
class MessageBuilder {
  public:
    static constexpr u32 CAPACITY = 512; // an interface's or address's message fits easily

    MessageBuilder(u16 type, u16 flags, u32 sequence, u32 port) {
        MessageHeader header = {0, type, flags, sequence, port};
        append(&header, sizeof header);
    }
    void append(const void* data, u32 length) {
        if (m_length + align4(length) > CAPACITY)
            return;
        memcpy(m_buffer + m_length, data, length);
        m_length += align4(length);
    }
    void attribute(u16 type, const void* data, u16 length) {
        u16 header[2] = {u16(4 + length), type};
        if (m_length + 4 + align4(length) > CAPACITY)
            return;
        append(header, 4);
        append(data, length);
    }
    void attribute_u32(u16 type, u32 value) { attribute(type, &value, 4); }
    void attribute_u8(u16 type, u8 value) { attribute(type, &value, 1); }
    void attribute_string(u16 type, const char* text) {
        attribute(type, text, u16(strlen(text) + 1));
    }
    u8* finish() {
        memcpy(m_buffer, &m_length, 4);
        return m_buffer;
    }
    u32 length() const { return m_length; }

  private:
    u8 m_buffer[CAPACITY] = {};
    u32 m_length = 0;
};

struct Datagram {
    Datagram* next;
    u32 length;
    u32 sender; // the port that sent it: 0 for the kernel
    u8* data() { return reinterpret_cast<u8*>(this + 1); }
};

class NetlinkSocket;
NetlinkSocket* g_sockets; // every netlink socket, for unique ports (big kernel lock)
u32 g_rover = FIRST_ROVER_PORT;

class NetlinkSocket final : public Socket {
  public:
    explicit NetlinkSocket(int type) : m_type(type) {
        m_receive_buffer = MAX_QUEUED;
        m_next = g_sockets;
        g_sockets = this;
    }

    int domain() const override { return AF_NETLINK; }
    int socket_type() const override { return m_type; }
    int protocol() const override { return NETLINK_ROUTE; }

    Result<void> bind(const SocketAddress& address) override {
        InterruptGuard guard;
        if (address.length < SOCKADDR_NL_SIZE || address.family() != AF_NETLINK)
            return Errno::EINVAL;
        u32 port, groups;
        memcpy(&port, address.bytes + 4, 4);
        memcpy(&groups, address.bytes + 8, 4);
        if (m_bound) {
            if (port && port != m_port)
                return Errno::EINVAL;
        } else if (port) {
            if (find(port))
                return Errno::EADDRINUSE;
            m_port = port;
            m_bound = true;
        } else {
            TRY(autobind());
        }
        m_groups = groups; // FIXME: no multicast notifications are sent to these groups
        return {};
    }

    Result<void> connect(const SocketAddress& address) override {
        InterruptGuard guard;
        if (address.length >= 2 && address.family() == 0) {
            m_destination = 0;
            return {};
        }
        if (address.length < SOCKADDR_NL_SIZE || address.family() != AF_NETLINK)
            return Errno::EINVAL;
        memcpy(&m_destination, address.bytes + 4, 4);
        if (!m_bound)
            TRY(autobind());
        return {};
    }

    Result<size_t> send(const u8* data, size_t length, int flags,
                        const SocketAddress* to) override {
        InterruptGuard guard;
        u32 destination = m_destination;
        if (to) {
            if (to->length < SOCKADDR_NL_SIZE || to->family() != AF_NETLINK)
                return Errno::EINVAL;
            memcpy(&destination, to->bytes + 4, 4);
        }
        if (!m_bound)
            TRY(autobind());
        if (destination != 0) {
            // Another user port: deliver the datagram as it is, as Linux does between sockets.
            NetlinkSocket* peer = find(destination);
            if (!peer)
                return Errno::ECONNREFUSED;
            TRY(peer->queue(data, u32(length), m_port));
            return length;
        }
        handle_requests(data, length);
        return length;
    }

    Result<size_t> receive(u8* data, size_t length, int flags, SocketAddress* from) override {
        InterruptGuard guard;
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
        size_t n = min<size_t>(d->length, length);
        memcpy(data, d->data(), n);
        if (from)
            address_of(d->sender, from);
        size_t real = d->length;
        if (!(flags & MSG_PEEK)) {
            m_head = d->next;
            if (!m_head)
                m_tail = nullptr;
            m_queued -= d->length;
            kfree(d);
        }
        return (flags & MSG_TRUNC) ? real : n;
    }

    Result<void> shutdown(int how) override {
        InterruptGuard guard;
        if (how < SHUT_RD || how > SHUT_RDWR)
            return Errno::EINVAL;
        if (how != SHUT_WR)
            m_read_shut = true;
        notify();
        return {};
    }

    Result<void> local_address(SocketAddress* out) override {
        InterruptGuard guard;
        address_of(m_port, out);
        memcpy(out->bytes + 8, &m_groups, 4);
        return {};
    }

    Result<void> peer_address(SocketAddress* out) override {
        InterruptGuard guard;
        address_of(m_destination, out);
        return {};
    }

    Result<void> set_option(int level, int name, const u8* value, u32 length) override {
        if (level == SOL_NETLINK) {
            // NETLINK_ADD_MEMBERSHIP, NETLINK_PKTINFO, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK
            // and the rest take an int; none changes what a route dump answers here.
            if (length < sizeof(int))
                return Errno::EINVAL;
            if (name < 1 || name > 12)
                return Errno::ENOPROTOOPT;
            return {};
        }
        return Socket::set_option(level, name, value, length);
    }

    u64 bytes_readable() override {
        InterruptGuard guard;
        return m_head ? m_head->length : 0;
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
            InterruptGuard guard;
            for (NetlinkSocket** at = &g_sockets; *at; at = &(*at)->m_next) {
                if (*at == this) {
                    *at = m_next;
                    break;
                }
            }
            while (Datagram* d = m_head) {
                m_head = d->next;
                kfree(d);
            }
        }
        destroy(this);
    }

  private:
    static NetlinkSocket* find(u32 port) {
        for (NetlinkSocket* s = g_sockets; s; s = s->m_next)
            if (s->m_bound && s->m_port == port)
                return s;
        return nullptr;
    }

    Result<void> autobind() {
        u32 port = 1; // the program's pid
        while (find(port)) {
            port = g_rover--;
            if (g_rover < 0x80000000u)
                g_rover = FIRST_ROVER_PORT;
        }
        m_port = port;
        m_bound = true;
        return {};
    }

    static void address_of(u32 port, SocketAddress* out) {
        *out = SocketAddress();
        out->bytes[0] = AF_NETLINK;
        memcpy(out->bytes + 4, &port, 4);
        out->length = SOCKADDR_NL_SIZE;
    }

    // Queues one datagram; a full queue drops it with ENOBUFS as Linux reports overruns.
    Result<void> queue(const u8* data, u32 length, u32 sender) {
        if (m_read_shut)
            return {};
        if (m_queued + length > m_receive_buffer)
            return Errno::ENOBUFS;
        auto* d = static_cast<Datagram*>(kmalloc(sizeof(Datagram) + length));
        if (!d)
            return Errno::ENOBUFS;
        memcpy(d->data(), data, length);
        d->length = length;
        d->next = nullptr;
        d->sender = sender;
        if (m_tail)
            m_tail->next = d;
        else
            m_head = d;
        m_tail = d;
        m_queued += length;
        notify();
        return {};
    }

    void answer(MessageBuilder& message) { (void)queue(message.finish(), message.length(), 0); }

    void handle_requests(const u8* data, size_t length) {
        size_t at = 0;
        // `at` passes `length` when the last message's length is not a multiple of 4.
        while (at < length && length - at >= sizeof(MessageHeader)) {
            MessageHeader header;
            memcpy(&header, data + at, sizeof header);
            if (header.length < sizeof header || header.length > length - at)
                return;
            handle(header, data + at, header.length);
            at += align4(header.length);
        }
    }

    void handle(const MessageHeader& header, const u8* message, u32 length) {
        int error = 0;
        if ((header.flags & nl::F_REQUEST) && header.type >= nl::NLMSG_MIN_TYPE) {
            bool dump = header.flags & nl::F_DUMP;
            const u8* payload = message + sizeof header;
            u32 payload_length = length - u32(sizeof header);
            if (header.type == nl::RTM_GETLINK && dump) {
                dump_links(header);
                return; // a dump ends with NLMSG_DONE, never an ACK
            }
            if (header.type == nl::RTM_GETADDR && dump) {
                u8 family = payload_length >= 1 ? payload[0] : 0;
                dump_addresses(header, family);
                return;
            }
            if (header.type == nl::RTM_GETLINK) {
                error = get_link(header, payload, payload_length);
            } else {
                error = -int(Errno::EOPNOTSUPP);
            }
        }
        if (error || (header.flags & nl::F_ACK))
            acknowledge(header, message, length, error);
    }

    // NLMSG_ERROR: the error (0 for an ACK) and the request's header, with its payload for an
    // error as Linux sends without NETLINK_CAP_ACK.
    void acknowledge(const MessageHeader& header, const u8* message, u32 length, int error) {
        u32 echoed = error ? min<u32>(length, MessageBuilder::CAPACITY - 40) : sizeof header;
        MessageBuilder answer_message(nl::NLMSG_ERROR, error ? 0 : 0x100 /* NLM_F_CAPPED */,
                                      header.sequence, m_port);
        answer_message.append(&error, 4);
        answer_message.append(message, echoed);
        answer(answer_message);
    }

    void done(const MessageHeader& header) {
        MessageBuilder message(nl::NLMSG_DONE, nl::F_MULTI, header.sequence, m_port);
        int status = 0;
        message.append(&status, 4);
        answer(message);
    }

    void link_message(const MessageHeader& header, const InterfaceInfo& info, u16 flags) {
        MessageBuilder message(nl::RTM_NEWLINK, flags, header.sequence, m_port);
        InterfaceMessage body = {};
        body.type = info.loopback ? nl::ARPHRD_LOOPBACK : nl::ARPHRD_ETHER;
        body.index = info.index;
        body.flags =
            (info.up ? nl::IFF_UP : 0) | (info.running ? nl::IFF_RUNNING | nl::IFF_LOWER_UP : 0) |
            (info.loopback ? nl::IFF_LOOPBACK : 0) | (info.broadcast ? nl::IFF_BROADCAST : 0) |
            (info.multicast ? nl::IFF_MULTICAST : 0);
        message.append(&body, sizeof body);
        message.attribute_string(nl::IFLA_IFNAME, info.name);
        message.attribute_u32(nl::IFLA_TXQLEN, info.loopback ? 1000 : 1000);
        message.attribute_u8(nl::IFLA_OPERSTATE,
                             info.loopback ? nl::IF_OPER_UNKNOWN
                                           : (info.running ? nl::IF_OPER_UP : 2 /* DOWN */));
        message.attribute_u32(nl::IFLA_MTU, info.mtu);
        u8 zero[6] = {};
        u8 all[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        message.attribute(nl::IFLA_ADDRESS, info.loopback ? zero : info.mac, 6);
        message.attribute(nl::IFLA_BROADCAST, info.loopback ? zero : all, 6);
        answer(message);
    }

    void dump_links(const MessageHeader& header) {
        InterfaceInfo info;
        for (int i = 0; interface_info(i, &info); i++)
            link_message(header, info, nl::F_MULTI);
        done(header);
    }

    int get_link(const MessageHeader& header, const u8* payload, u32 length) {
        if (length < sizeof(InterfaceMessage))
            return -int(Errno::EINVAL);
        InterfaceMessage request;
        memcpy(&request, payload, sizeof request);
        // By index, or by an IFLA_IFNAME attribute when the index is 0.
        const char* name = nullptr;
        for (u32 at = sizeof request; at + 4 <= length;) {
            u16 attribute[2];
            memcpy(attribute, payload + at, 4);
            if (attribute[0] < 4 || at + attribute[0] > length)
                break;
            if (attribute[1] == nl::IFLA_IFNAME && attribute[0] > 4 &&
                payload[at + attribute[0] - 1] == 0)
                name = reinterpret_cast<const char*>(payload + at + 4);
            at += align4(attribute[0]);
        }
        InterfaceInfo info;
        for (int i = 0; interface_info(i, &info); i++) {
            if ((request.index && info.index == request.index) ||
                (!request.index && name && strcmp(info.name, name) == 0)) {
                link_message(header, info, 0);
                return 0;
            }
        }
        return -int(Errno::ENODEV);
    }

    void dump_addresses(const MessageHeader& header, u8 family) {
        InterfaceInfo info;
        if (family == 0 || family == AF_INET) {
            for (int i = 0; interface_info(i, &info); i++) {
                if (!info.has_ipv4)
                    continue;
                MessageBuilder message(nl::RTM_NEWADDR, nl::F_MULTI, header.sequence, m_port);
                AddressMessage body = {AF_INET, info.ipv4_prefix, nl::IFA_F_PERMANENT,
                                       info.loopback ? nl::RT_SCOPE_HOST : nl::RT_SCOPE_UNIVERSE,
                                       u32(info.index)};
                message.append(&body, sizeof body);
                message.attribute(nl::IFA_ADDRESS, info.ipv4, 4);
                message.attribute(nl::IFA_LOCAL, info.ipv4, 4);
                if (info.broadcast && info.ipv4_prefix < 31) {
                    u8 broadcast[4];
                    for (int b = 0; b < 4; b++) {
                        int bits = info.ipv4_prefix - b * 8;
                        u8 mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : u8(0xff << (8 - bits));
                        broadcast[b] = u8(info.ipv4[b] | ~mask);
                    }
                    message.attribute(nl::IFA_BROADCAST, broadcast, 4);
                }
                message.attribute_string(nl::IFA_LABEL, info.name);
                answer(message);
            }
        }
        if (family == 0 || family == AF_INET6) {
            for (int i = 0; interface_info(i, &info); i++) {
                for (int a = 0; a < info.ipv6_count; a++) {
                    const u8* address = info.ipv6[a].address;
                    bool link_local = address[0] == 0xfe && (address[1] & 0xc0) == 0x80;
                    u8 scope = info.loopback ? nl::RT_SCOPE_HOST
                               : link_local  ? nl::RT_SCOPE_LINK
                                             : nl::RT_SCOPE_UNIVERSE;
                    MessageBuilder message(nl::RTM_NEWADDR, nl::F_MULTI, header.sequence, m_port);
                    AddressMessage body = {AF_INET6, info.ipv6[a].prefix, nl::IFA_F_PERMANENT,
                                           scope, u32(info.index)};
                    message.append(&body, sizeof body);
                    message.attribute(nl::IFA_ADDRESS, address, 16);
                    answer(message);
                }
            }
        }
        done(header);
    }

    int m_type;
    NetlinkSocket* m_next = nullptr;
    bool m_bound = false;
    bool m_read_shut = false;
    u32 m_port = 0;
    u32 m_groups = 0;
    u32 m_destination = 0; // 0: the kernel
    Datagram* m_head = nullptr;
    Datagram* m_tail = nullptr;
    u64 m_queued = 0;
};

} // namespace

Result<Socket*> netlink_socket_create(int type, int protocol) {
    if (type != SOCK_RAW && type != SOCK_DGRAM)
        return Errno::ESOCKTNOSUPPORT;
    if (protocol != NETLINK_ROUTE)
        return Errno::EPROTONOSUPPORT;
    auto* socket = make<NetlinkSocket>(type);
    if (!socket)
        return Errno::ENOMEM;
    return socket;
}
