// poll_calls.cpp: pipes, eventfd, epoll, poll and select. Readiness comes from each inode's
// poll_events(); a poller sleeps registered on the poll queues of what it watches (fs/poll.h).
#include "fs/epoll.h"
#include "fs/pipe.h"
#include "fs/poll.h"
#include "linux/abi/structs.h"
#include "linux/process.h"
#include "linux/syscalls.h"
#include "linux/time_values.h"
#include "mm/heap.h"
#include "sched/scheduler.h"
#include "time/clock.h"

using namespace linux_flags;

namespace {

constexpr u64 MAX_POLL_FDS = FdTable::MAX_FDS; // RLIMIT_NOFILE bounds nfds, as on Linux
constexpr int MAX_EPOLL_EVENTS = 1024;         // events copied out per epoll_wait

Result<u64> install(Inode* inode, u32 flags, const char* name) {
    OpenFile* file = TRY(open_file_create(inode, flags, name));
    auto fd = current_process().fds.install(file, 0, flags & O_CLOEXEC);
    open_file_release(file);
    return u64(TRY(fd));
}

// Deadline for a timeout in milliseconds (negative: none; 0: do not wait).
u64 deadline_from_ms(int timeout_ms) {
    if (timeout_ms <= 0)
        return 0;
    return monotonic_ns() + u64(timeout_ms) * 1000000;
}

Result<u64> deadline_from_timespec(UserIn<LinuxTimespec> timeout, bool* no_wait) {
    *no_wait = false;
    if (timeout.is_null())
        return u64(0);
    u64 ns = TRY(copy_timespec_ns(timeout));
    if (ns == 0) {
        *no_wait = true;
        return u64(0);
    }
    return deadline_after(monotonic_ns(), ns);
}

// Swaps in a temporary signal mask for the wait (ppoll, pselect6, epoll_pwait).
class TemporaryMask {
  public:
    TemporaryMask() = default;
    Result<void> apply(UserIn<u64> mask, u64 size) {
        if (mask.is_null())
            return {};
        if (size != 8)
            return Errno::EINVAL;
        u64 value;
        TRY(copy_from_user(&value, mask));
        m_saved = current_thread()->signal_mask;
        m_active = true;
        current_thread()->signal_mask = value & ~((1ull << 8) | (1ull << 18));
        return {};
    }
    ~TemporaryMask() {
        if (m_active)
            current_thread()->signal_mask = m_saved;
    }

  private:
    u64 m_saved = 0;
    bool m_active = false;
};

// The loop shared by every poller: scan (registering on each object it checks, through
// `waiter`), and sleep until one of them is notified.
template <typename Scan>
Result<u64> wait_for_readiness(PollWaiter& waiter, u64 deadline, bool no_wait, Scan scan) {
    for (;;) {
        waiter.arm();
        u64 ready = TRY(scan());
        if (ready || no_wait)
            return ready;
        WakeReason reason = waiter.wait(deadline);
        if (reason == WakeReason::Interrupted)
            return Errno::EINTR;
        if (reason == WakeReason::TimedOut)
            return scan();
    }
}

struct PollFd {
    i32 fd;
    i16 events;
    i16 revents;
};

Result<u64> do_poll(UserIn<PollFd> user_fds, u64 count, u64 deadline, bool no_wait) {
    if (count > MAX_POLL_FDS)
        return Errno::EINVAL;
    auto* fds = static_cast<PollFd*>(kmalloc(sizeof(PollFd) * (count ? count : 1)));
    if (!fds)
        return Errno::ENOMEM;
    struct Free {
        PollFd* p;
        ~Free() { kfree(p); }
    } free_fds{fds};
    TRY(copy_array_from_user(fds, user_fds, count));
    PollWaiter waiter(no_wait ? 0 : count);
    u64 ready = TRY(wait_for_readiness(waiter, deadline, no_wait, [&]() -> Result<u64> {
        u64 n = 0;
        for (u64 i = 0; i < count; i++) {
            fds[i].revents = 0;
            if (fds[i].fd < 0)
                continue;
            auto file = current_process().fds.get(fds[i].fd);
            if (file.is_error()) {
                fds[i].revents = 0x20; // POLLNVAL
            } else {
                if (!no_wait)
                    TRY(waiter.watch(file.value()->inode));
                u32 events = file.value()->inode->poll_events();
                fds[i].revents =
                    i16(events & (u32(u16(fds[i].events)) | poll_bits::ERR | poll_bits::HUP));
            }
            if (fds[i].revents)
                n++;
        }
        return n;
    }));
    TRY(copy_array_to_user(UserOut<PollFd>(user_fds.address()), fds, count));
    return ready;
}

Result<u64> do_select(int nfds, u64 read_set, u64 write_set, u64 except_set, u64 deadline,
                      bool no_wait) {
    if (nfds < 0 || nfds > FdTable::MAX_FDS)
        return Errno::EINVAL;
    constexpr int WORDS = FdTable::MAX_FDS / 64;
    u64 words = (u64(nfds) + 63) / 64;
    u64 in[3][WORDS] = {}, out[3][WORDS];
    u64 sets[3] = {read_set, write_set, except_set};
    for (int s = 0; s < 3; s++)
        if (sets[s])
            TRY(copy_array_from_user(in[s], UserIn<u64>(sets[s]), words));
    PollWaiter waiter(no_wait ? 0 : u64(nfds));
    u64 ready = TRY(wait_for_readiness(waiter, deadline, no_wait, [&]() -> Result<u64> {
        u64 n = 0;
        for (int s = 0; s < 3; s++)
            for (u64 w = 0; w < words; w++)
                out[s][w] = 0;
        for (int fd = 0; fd < nfds; fd++) {
            u64 bit = 1ull << (fd % 64);
            bool any = (in[0][fd / 64] | in[1][fd / 64] | in[2][fd / 64]) & bit;
            if (!any)
                continue;
            OpenFile* file = TRY(current_process().fds.get(fd));
            if (!no_wait)
                TRY(waiter.watch(file->inode));
            u32 events = file->inode->poll_events();
            if ((in[0][fd / 64] & bit) &&
                (events & (poll_bits::IN | poll_bits::HUP | poll_bits::ERR)))
                out[0][fd / 64] |= bit, n++;
            if ((in[1][fd / 64] & bit) && (events & (poll_bits::OUT | poll_bits::ERR)))
                out[1][fd / 64] |= bit, n++;
            if ((in[2][fd / 64] & bit) && (events & poll_bits::PRI))
                out[2][fd / 64] |= bit, n++;
        }
        return n;
    }));
    for (int s = 0; s < 3; s++)
        if (sets[s])
            TRY(copy_array_to_user(UserOut<u64>(sets[s]), out[s], words));
    return ready;
}

Result<u64> do_epoll_wait(int epfd, UserOut<EpollEvent> events, int max, u64 deadline,
                          bool no_wait) {
    if (max <= 0)
        return Errno::EINVAL;
    OpenFile* file = TRY(current_process().fds.get(epfd));
    if (!is_epoll(file->inode))
        return Errno::EINVAL;
    u64 limit = min<u64>(u64(max), MAX_EPOLL_EVENTS);
    auto* buffer = static_cast<EpollEvent*>(kmalloc(sizeof(EpollEvent) * limit));
    if (!buffer)
        return Errno::ENOMEM;
    struct Free {
        EpollEvent* p;
        ~Free() { kfree(p); }
    } free_buffer{buffer};
    if (!user_range_ok(events.address(), limit * sizeof(EpollEvent)))
        return Errno::EFAULT;
    PollWaiter waiter;
    u64 n = TRY(wait_for_readiness(waiter, deadline, no_wait, [&]() -> Result<u64> {
        if (!no_wait)
            TRY(waiter.watch(file->inode));
        return epoll_collect(file->inode, buffer, limit);
    }));
    TRY(copy_array_to_user(events, buffer, n));
    return n;
}

} // namespace

Result<u64> sys_pipe2(UserOut<i32> fds, int flags) {
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | 0x4000 /* O_DIRECT */))
        return Errno::EINVAL;
    if (flags & 0x4000)
        return Errno::EINVAL; // packet-mode pipes are not supported
    PipeEnds ends = TRY(pipe_create());
    i32 pair[2];
    pair[0] = i32(TRY(install(ends.read_end, u32(flags) & (O_CLOEXEC | O_NONBLOCK), "pipe:[r]")));
    auto write_fd =
        install(ends.write_end, (u32(flags) & (O_CLOEXEC | O_NONBLOCK)) | O_WRONLY, "pipe:[w]");
    if (write_fd.is_error()) {
        (void)current_process().fds.close(pair[0]);
        return write_fd.error();
    }
    pair[1] = i32(write_fd.value());
    if (copy_array_to_user(fds, pair, 2).is_error()) {
        (void)current_process().fds.close(pair[0]);
        (void)current_process().fds.close(pair[1]);
        return Errno::EFAULT;
    }
    return 0;
}

Result<u64> sys_pipe(UserOut<i32> fds) {
    return sys_pipe2(fds, 0);
}

Result<u64> sys_eventfd2(u32 initial, int flags) {
    constexpr int EFD_SEMAPHORE = 1;
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE))
        return Errno::EINVAL;
    Inode* counter = TRY(eventfd_create(initial, flags & EFD_SEMAPHORE));
    return install(counter, O_RDWR | (u32(flags) & (O_CLOEXEC | O_NONBLOCK)),
                   "anon_inode:[eventfd]");
}

Result<u64> sys_eventfd(u32 initial) {
    return sys_eventfd2(initial, 0);
}

Result<u64> sys_epoll_create1(int flags) {
    if (flags & ~O_CLOEXEC)
        return Errno::EINVAL;
    Inode* epoll = TRY(epoll_create());
    return install(epoll, O_RDWR | (u32(flags) & O_CLOEXEC), "anon_inode:[eventpoll]");
}

Result<u64> sys_epoll_create(int size) {
    if (size <= 0)
        return Errno::EINVAL;
    return sys_epoll_create1(0);
}

Result<u64> sys_epoll_ctl(int epfd, int op, int fd, UserIn<EpollEvent> event) {
    OpenFile* epoll = TRY(current_process().fds.get(epfd));
    OpenFile* file = TRY(current_process().fds.get(fd));
    if (!is_epoll(epoll->inode) || epfd == fd)
        return Errno::EINVAL;
    if (file->inode->type() == InodeType::Regular || file->inode->is_directory())
        return Errno::EPERM; // regular files are always ready: Linux refuses them
    EpollEvent e = {};
    if (op != 2)
        TRY(copy_from_user(&e, event));
    TRY(epoll_control(epoll->inode, op, fd, file, e));
    return 0;
}

Result<u64> sys_epoll_wait(int epfd, UserOut<EpollEvent> events, int max, int timeout) {
    return do_epoll_wait(epfd, events, max, deadline_from_ms(timeout), timeout == 0);
}

Result<u64> sys_epoll_pwait(int epfd, UserOut<EpollEvent> events, int max, int timeout,
                            UserIn<u64> mask, u64 size) {
    TemporaryMask temporary;
    TRY(temporary.apply(mask, size));
    return do_epoll_wait(epfd, events, max, deadline_from_ms(timeout), timeout == 0);
}

Result<u64> sys_poll(UserIn<u8> fds, u64 count, int timeout) {
    return do_poll(UserIn<PollFd>(fds.address()), count, deadline_from_ms(timeout), timeout == 0);
}

Result<u64> sys_ppoll(UserIn<u8> fds, u64 count, UserIn<LinuxTimespec> timeout, UserIn<u64> mask,
                      u64 size) {
    bool no_wait;
    u64 deadline = TRY(deadline_from_timespec(timeout, &no_wait));
    TemporaryMask temporary;
    TRY(temporary.apply(mask, size));
    return do_poll(UserIn<PollFd>(fds.address()), count, deadline, no_wait);
}

Result<u64> sys_select(int nfds, u64 read_set, u64 write_set, u64 except_set,
                       UserIn<LinuxTimeval> timeout) {
    u64 deadline = 0;
    bool no_wait = false;
    if (!timeout.is_null()) {
        LinuxTimeval t;
        TRY(copy_from_user(&t, timeout));
        if (t.seconds < 0 || t.microseconds < 0)
            return Errno::EINVAL;
        u64 ns = u64(t.seconds) * 1000000000 + u64(t.microseconds) * 1000;
        no_wait = ns == 0;
        deadline = ns ? deadline_after(monotonic_ns(), ns) : 0;
    }
    return do_select(nfds, read_set, write_set, except_set, deadline, no_wait);
}

Result<u64> sys_pselect6(int nfds, u64 read_set, u64 write_set, u64 except_set,
                         UserIn<LinuxTimespec> timeout, UserIn<u64> mask_argument) {
    bool no_wait;
    u64 deadline = TRY(deadline_from_timespec(timeout, &no_wait));
    TemporaryMask temporary;
    if (!mask_argument.is_null()) {
        u64 pair[2]; // { const sigset_t* ss, size_t ss_len }
        TRY(copy_array_from_user(pair, mask_argument, 2));
        TRY(temporary.apply(UserIn<u64>(pair[0]), pair[1]));
    }
    return do_select(nfds, read_set, write_set, except_set, deadline, no_wait);
}
