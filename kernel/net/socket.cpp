// socket.cpp: what every socket shares: blocking with SO_RCVTIMEO/SO_SNDTIMEO, waking readers,
// writers and pollers, and the SOL_SOCKET options that do not depend on the family.
#include "net/socket.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "linux/user_memory.h"
#include "time/clock.h"

namespace {

namespace option {
constexpr int SO_REUSEADDR = 2;
constexpr int SO_TYPE = 3;
constexpr int SO_DONTROUTE = 5;
constexpr int SO_BROADCAST = 6;
constexpr int SO_SNDBUF = 7;
constexpr int SO_RCVBUF = 8;
constexpr int SO_KEEPALIVE = 9;
constexpr int SO_OOBINLINE = 10;
constexpr int SO_PRIORITY = 12;
constexpr int SO_LINGER = 13;
constexpr int SO_REUSEPORT = 15;
constexpr int SO_RCVLOWAT = 18;
constexpr int SO_SNDLOWAT = 19;
constexpr int SO_RCVTIMEO_OLD = 20;
constexpr int SO_SNDTIMEO_OLD = 21;
constexpr int SO_TIMESTAMP_OLD = 29;
constexpr int SO_SNDBUFFORCE = 32;
constexpr int SO_RCVBUFFORCE = 33;
constexpr int SO_PROTOCOL = 38;
constexpr int SO_DOMAIN = 39;
constexpr int SO_RCVTIMEO_NEW = 66;
constexpr int SO_SNDTIMEO_NEW = 67;
} // namespace option

// Linux keeps socket buffer sizes between these and doubles what is asked (socket(7)).
constexpr u32 MIN_BUFFER = 4608;
constexpr u32 MAX_BUFFER = 4 * 1024 * 1024;

Result<int> int_value(const u8* value, u32 length) {
    if (length < sizeof(int))
        return Errno::EINVAL;
    int v;
    memcpy(&v, value, sizeof v);
    return v;
}

u32 put(u8* out, u32 capacity, const void* value, u32 length) {
    memcpy(out, value, min(capacity, length));
    return length;
}

u32 put_int(u8* out, u32 capacity, int value) {
    return put(out, capacity, &value, sizeof value);
}

struct Timeval {
    i64 seconds;
    i64 microseconds;
};

} // namespace

u64 Socket::operation_deadline(bool sending) const {
    u64 timeout = sending ? m_send_timeout_ns : m_receive_timeout_ns;
    return timeout ? monotonic_ns() + timeout : 0;
}

Result<void> Socket::wait_for_change(u64 deadline_ns) {
    if (deadline_ns && monotonic_ns() >= deadline_ns)
        return Errno::EAGAIN;
    switch (m_waiters.wait(deadline_ns)) {
    case WakeReason::Woken:
        return {};
    case WakeReason::TimedOut:
        return Errno::EAGAIN;
    case WakeReason::Interrupted:
        return Errno::EINTR;
    }
    return {};
}

void Socket::notify() {
    m_readiness_events++;
    m_waiters.wake_all();
    poll_notify(this);
}

Result<void> Socket::set_option(int level, int name, const u8* value, u32 length) {
    using namespace option;
    if (level != socket_abi::SOL_SOCKET)
        return Errno::ENOPROTOOPT;
    switch (name) {
    case SO_REUSEADDR:
        m_reuse_address = TRY(int_value(value, length)) != 0;
        return {};
    case SO_REUSEPORT:
        m_reuse_port = TRY(int_value(value, length)) != 0;
        return {};
    case SO_KEEPALIVE:
        m_keepalive = TRY(int_value(value, length)) != 0;
        return {};
    case SO_BROADCAST:
        m_broadcast = TRY(int_value(value, length)) != 0;
        return {};
    case SO_SNDBUF:
    case SO_SNDBUFFORCE:
    case SO_RCVBUF:
    case SO_RCVBUFFORCE: {
        int v = TRY(int_value(value, length));
        u32 size = u32(min<u64>(max<u64>(u64(v < 0 ? 0 : v) * 2, MIN_BUFFER), MAX_BUFFER));
        (name == SO_SNDBUF || name == SO_SNDBUFFORCE ? m_send_buffer : m_receive_buffer) = size;
        return {};
    }
    case SO_LINGER: {
        if (length < 8)
            return Errno::EINVAL;
        int on, seconds;
        memcpy(&on, value, 4);
        memcpy(&seconds, value + 4, 4);
        m_linger_seconds = on ? max(seconds, 0) : -1;
        return {};
    }
    case SO_RCVTIMEO_OLD:
    case SO_SNDTIMEO_OLD:
    case SO_RCVTIMEO_NEW:
    case SO_SNDTIMEO_NEW: {
        if (length < sizeof(Timeval))
            return Errno::EINVAL;
        Timeval t;
        memcpy(&t, value, sizeof t);
        if (t.microseconds < 0 || t.microseconds >= 1000000)
            return Errno::EDOM;
        u64 ns = t.seconds < 0 ? 0 : u64(t.seconds) * 1000000000ull + u64(t.microseconds) * 1000;
        bool receiving = name == SO_RCVTIMEO_OLD || name == SO_RCVTIMEO_NEW;
        (receiving ? m_receive_timeout_ns : m_send_timeout_ns) = ns;
        return {};
    }
    case SO_DONTROUTE:
    case SO_PRIORITY:
        // Accepted and without effect here, as on a Linux host with a single route and no
        // queueing disciplines; the value is checked like Linux does. Options whose effect we
        // do not provide (SO_RCVLOWAT, SO_TIMESTAMP, out-of-band data) give ENOPROTOOPT.
        TRY(int_value(value, length));
        return {};
    default:
        return Errno::ENOPROTOOPT;
    }
}

Result<u32> Socket::get_option(int level, int name, u8* value, u32 capacity) {
    using namespace option;
    if (level != socket_abi::SOL_SOCKET)
        return Errno::ENOPROTOOPT;
    switch (name) {
    case SO_TYPE:
        return put_int(value, capacity, socket_type());
    case SO_DOMAIN:
        return put_int(value, capacity, domain());
    case SO_PROTOCOL:
        return put_int(value, capacity, protocol());
    case SO_REUSEADDR:
        return put_int(value, capacity, m_reuse_address);
    case SO_REUSEPORT:
        return put_int(value, capacity, m_reuse_port);
    case SO_KEEPALIVE:
        return put_int(value, capacity, m_keepalive);
    case SO_BROADCAST:
        return put_int(value, capacity, m_broadcast);
    case SO_SNDBUF:
        return put_int(value, capacity, int(m_send_buffer));
    case SO_RCVBUF:
        return put_int(value, capacity, int(m_receive_buffer));
    case SO_RCVLOWAT:
    case SO_SNDLOWAT:
        return put_int(value, capacity, 1); // Linux's defaults, and what we do
    case SO_LINGER: {
        int linger[2] = {m_linger_seconds >= 0, m_linger_seconds >= 0 ? m_linger_seconds : 0};
        return put(value, capacity, linger, sizeof linger);
    }
    case SO_RCVTIMEO_OLD:
    case SO_SNDTIMEO_OLD:
    case SO_RCVTIMEO_NEW:
    case SO_SNDTIMEO_NEW: {
        bool receiving = name == SO_RCVTIMEO_OLD || name == SO_RCVTIMEO_NEW;
        u64 ns = receiving ? m_receive_timeout_ns : m_send_timeout_ns;
        Timeval t = {i64(ns / 1000000000ull), i64(ns % 1000000000ull / 1000)};
        return put(value, capacity, &t, sizeof t);
    }
    case SO_DONTROUTE:
    case SO_OOBINLINE:
    case SO_PRIORITY:
    case SO_TIMESTAMP_OLD:
        return put_int(value, capacity, 0); // all off, which is what we do
    default:
        return Errno::ENOPROTOOPT;
    }
}

Result<u64> Socket::ioctl(u64 request, u64 argument) {
    constexpr u64 FIONREAD = 0x541b;
    if (request != FIONREAD)
        return Errno::ENOTTY;
    int readable = int(min<u64>(bytes_readable(), 0x7fffffff));
    TRY(copy_to_user(UserOut<int>(argument), &readable));
    return 0;
}
