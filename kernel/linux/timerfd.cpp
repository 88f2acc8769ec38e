// timerfd.cpp: timerfd_create/settime/gettime: a descriptor whose read returns how many times
// the timer expired since the last read (blocking until at least once).
#include "fs/open_file.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "linux/interval_timers.h"
#include "linux/process.h"
#include "linux/syscalls.h"
#include "linux/time_values.h"
#include "mm/heap.h"
#include "sched/timer.h"
#include "time/clock.h"

using namespace linux_flags;

namespace {

class TimerDescriptor final : public Inode {
  public:
    explicit TimerDescriptor(int clock) : Inode(InodeType::CharDevice), m_clock(clock) {
        m_timer.fire = [](KernelTimer* t) {
            auto* self = timer_owner<TimerDescriptor, &TimerDescriptor::m_timer>(t);
            self->m_expirations++;
            if (self->m_interval) {
                u64 next = t->deadline + self->m_interval;
                u64 now = monotonic_ns();
                while (next <= now) {
                    next += self->m_interval;
                    self->m_expirations++;
                }
                timer_start(t, next);
            }
            poll_notify(self);
        };
    }
    u32 mode_bits() override { return 0600; }
    SpecialInode special() const override { return SpecialInode::TimerFd; }
    u32 poll_events() override { return m_expirations ? poll_bits::IN | poll_bits::RDNORM : 0; }
    bool read_would_block() override { return m_expirations == 0; }
    void release() override { timer_cancel(&m_timer); }

    Result<size_t> read(u64, u8* out, size_t length) override {
        if (length < 8)
            return Errno::EINVAL;
        // A disarmed timer never expires: like Linux, a blocking read then waits forever.
        PollWaiter waiter;
        for (;;) {
            waiter.arm();
            TRY(waiter.watch(this));
            if (m_expirations)
                break;
            if (waiter.wait(0) == WakeReason::Interrupted)
                return Errno::EINTR;
        }
        u64 count = m_expirations;
        m_expirations = 0;
        memcpy(out, &count, 8);
        return size_t(8);
    }

    Result<void> set(bool absolute, const LinuxItimerspec& value, LinuxItimerspec* old) {
        if (old)
            *old = get();
        u64 first = timespec_to_ns(value.value);
        m_interval = timespec_to_ns(value.interval);
        m_expirations = 0;
        if (!first) {
            timer_cancel(&m_timer);
            return {};
        }
        u64 now = TRY(clock_now(m_clock));
        u64 mono = monotonic_ns();
        timer_start(&m_timer, absolute ? (first > now ? mono + (first - now) : mono)
                                       : deadline_after(mono, first));
        return {};
    }

    LinuxItimerspec get() {
        u64 left = 0;
        if (m_timer.armed()) {
            u64 now = monotonic_ns();
            left = m_timer.deadline > now ? m_timer.deadline - now : 1;
        }
        return LinuxItimerspec{ns_to_timespec(m_interval), ns_to_timespec(left)};
    }

    KernelTimer m_timer;

  private:
    int m_clock;
    u64 m_interval = 0;
    u64 m_expirations = 0;
};

Result<TimerDescriptor*> timer_descriptor(int fd) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    if (!file->inode->is_timerfd())
        return Errno::EINVAL;
    return static_cast<TimerDescriptor*>(file->inode);
}

} // namespace

Result<u64> sys_timerfd_create(int clock, int flags) {
    if (flags & ~(O_CLOEXEC | O_NONBLOCK))
        return Errno::EINVAL;
    TRY(clock_now(clock));
    auto* inode = make<TimerDescriptor>(clock);
    if (!inode)
        return Errno::ENOMEM;
    OpenFile* file = TRY(open_file_create(inode, O_RDWR | (u32(flags) & (O_CLOEXEC | O_NONBLOCK)),
                                          "anon_inode:[timerfd]"));
    auto fd = current_process().fds.install(file, 0, flags & O_CLOEXEC);
    open_file_release(file);
    return u64(TRY(fd));
}

Result<u64> sys_timerfd_settime(int fd, int flags, UserIn<LinuxItimerspec> value,
                                UserOut<LinuxItimerspec> old_value) {
    constexpr int TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;
    if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
        return Errno::EINVAL;
    TimerDescriptor* timer = TRY(timer_descriptor(fd));
    LinuxItimerspec next;
    TRY(copy_from_user(&next, value));
    TRY(check_itimerspec(next.interval, next.value));
    LinuxItimerspec old;
    TRY(timer->set(flags & TFD_TIMER_ABSTIME, next, &old));
    if (!old_value.is_null())
        TRY(copy_to_user(old_value, &old));
    return 0;
}

Result<u64> sys_timerfd_gettime(int fd, UserOut<LinuxItimerspec> out) {
    TimerDescriptor* timer = TRY(timer_descriptor(fd));
    LinuxItimerspec value = timer->get();
    TRY(copy_to_user(out, &value));
    return 0;
}
