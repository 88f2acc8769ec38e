// signalfd.cpp: signalfd4: a descriptor that reads the calling thread's pending signals from a
// mask as signalfd_siginfo records, instead of running handlers.
#include "fs/open_file.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "linux/abi/structs.h"
#include "linux/process.h"
#include "linux/signals.h"
#include "linux/syscalls.h"
#include "mm/heap.h"

using namespace linux_flags;

namespace {

struct SignalfdSiginfo {
    u32 signo;
    i32 errno_value;
    i32 code;
    u32 pid;
    u32 uid;
    i32 fd;
    u32 tid;
    u32 band;
    u32 overrun;
    u32 trapno;
    i32 status;
    i32 value_int;
    u64 value_ptr;
    u64 utime;
    u64 stime;
    u64 address;
    u16 address_lsb;
    u8 pad[46];
};
static_assert(sizeof(SignalfdSiginfo) == 128);

class SignalDescriptor final : public Inode {
  public:
    explicit SignalDescriptor(u64 mask) : Inode(InodeType::CharDevice), m_mask(mask) {}
    u32 mode_bits() override { return 0600; }
    SpecialInode special() const override { return SpecialInode::SignalFd; }
    void set_mask(u64 mask) { m_mask = mask; }
    u32 poll_events() override {
        return (current_thread()->pending_signals & m_mask) ? poll_bits::IN | poll_bits::RDNORM : 0;
    }
    bool read_would_block() override { return !(current_thread()->pending_signals & m_mask); }

    Result<size_t> read(u64, u8* out, size_t length) override {
        if (length < sizeof(SignalfdSiginfo))
            return Errno::EINVAL;
        Thread& t = *current_thread();
        PollWaiter waiter; // signals.cpp notifies every poller when a signal is queued
        for (;;) {
            waiter.arm();
            TRY(waiter.watch(this));
            if (t.pending_signals & m_mask)
                break;
            if (waiter.wait(0) == WakeReason::Interrupted &&
                (t.pending_signals & ~t.signal_mask & ~m_mask))
                return Errno::EINTR;
        }
        size_t done = 0;
        while (done + sizeof(SignalfdSiginfo) <= length) {
            SignalInfo info;
            if (!dequeue_signal(t, m_mask, &info))
                break;
            SignalfdSiginfo record = {};
            record.signo = u32(info.signo);
            record.errno_value = info.errno_value;
            record.code = info.code;
            record.pid = u32(info.fields[0]);
            record.uid = u32(info.fields[0] >> 32);
            record.overrun = u32(info.fields[0] >> 32);
            record.value_ptr = info.fields[1];
            record.value_int = i32(info.fields[1]);
            record.address = info.fields[0];
            memcpy(out + done, &record, sizeof(record));
            done += sizeof(record);
        }
        return done;
    }

  private:
    u64 m_mask;
};

} // namespace

Result<u64> sys_signalfd4(int fd, UserIn<u64> mask, u64 size, int flags) {
    if (size != 8 || (flags & ~(O_CLOEXEC | O_NONBLOCK)))
        return Errno::EINVAL;
    u64 bits;
    TRY(copy_from_user(&bits, mask));
    bits &= ~signal::UNBLOCKABLE;
    if (fd != -1) {
        OpenFile* file = TRY(current_process().fds.get(fd));
        if (!file->inode->is_signalfd())
            return Errno::EINVAL;
        static_cast<SignalDescriptor*>(file->inode)->set_mask(bits);
        return u64(fd);
    }
    auto* inode = make<SignalDescriptor>(bits);
    if (!inode)
        return Errno::ENOMEM;
    OpenFile* file = TRY(open_file_create(inode, O_RDWR | (u32(flags) & (O_CLOEXEC | O_NONBLOCK)),
                                          "anon_inode:[signalfd]"));
    auto installed = current_process().fds.install(file, 0, flags & O_CLOEXEC);
    open_file_release(file);
    return u64(TRY(installed));
}

Result<u64> sys_signalfd(int fd, UserIn<u64> mask, u64 size) {
    return sys_signalfd4(fd, mask, size, 0);
}
