// pipe.cpp: a 64 KiB ring buffer shared by a read end and a write end, and the eventfd
// counter. Reads block while empty and writers exist; writes block while full and readers exist;
// writing with no reader fails with EPIPE (the syscall layer adds SIGPIPE).
#include "fs/pipe.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "sched/wait_queue.h"

namespace {

constexpr u64 PIPE_CAPACITY = 64 * KiB; // Linux's default pipe size
constexpr u64 PIPE_ATOMIC = 4096;       // PIPE_BUF: writes this small are never split

struct PipeBuffer {
    u8* data = nullptr;
    u64 head = 0; // next byte to read
    u64 size = 0; // bytes stored
    u32 readers = 1;
    u32 writers = 1;
    u64 events = 0; // readiness events on either end (Inode::readiness_events)
    WaitQueue waiting;
    Inode* ends[2] = {}; // read end, write end: pollers register on the one they hold

    // Wakes blocked readers and writers and the pollers of both ends.
    void notify() {
        events++;
        waiting.wake_all();
        poll_notify(ends[0]);
        poll_notify(ends[1]);
    }
};

class PipeEnd final : public Inode {
  public:
    PipeEnd(PipeBuffer* buffer, bool reading)
        : Inode(InodeType::CharDevice), m_buffer(buffer), m_reading(reading) {}
    u32 mode_bits() override { return 0600; }

    Result<size_t> read(u64, u8* out, size_t length) override {
        if (!m_reading)
            return Errno::EBADF;
        PipeBuffer& b = *m_buffer;
        while (b.size == 0) {
            if (b.writers == 0 || length == 0)
                return size_t(0);
            if (b.waiting.wait() == WakeReason::Interrupted)
                return Errno::EINTR;
        }
        size_t n = min<u64>(length, b.size);
        for (size_t i = 0; i < n; i++)
            out[i] = b.data[(b.head + i) % PIPE_CAPACITY];
        b.head = (b.head + n) % PIPE_CAPACITY;
        b.size -= n;
        b.notify();
        return n;
    }

    Result<size_t> write(u64, const u8* in, size_t length) override {
        if (m_reading)
            return Errno::EBADF;
        PipeBuffer& b = *m_buffer;
        size_t done = 0;
        while (done < length) {
            if (b.readers == 0)
                return done ? Result<size_t>(done) : Result<size_t>(Errno::EPIPE);
            u64 space = PIPE_CAPACITY - b.size;
            bool atomic = length <= PIPE_ATOMIC;
            if (space == 0 || (atomic && space < length)) {
                WakeReason reason = b.waiting.wait();
                if (reason == WakeReason::Interrupted)
                    return done ? Result<size_t>(done) : Result<size_t>(Errno::EINTR);
                continue;
            }
            size_t n = min<u64>(length - done, space);
            u64 tail = (b.head + b.size) % PIPE_CAPACITY;
            for (size_t i = 0; i < n; i++)
                b.data[(tail + i) % PIPE_CAPACITY] = in[done + i];
            b.size += n;
            done += n;
            b.notify();
        }
        return done;
    }

    u32 poll_events() override {
        PipeBuffer& b = *m_buffer;
        if (m_reading)
            return (b.size ? poll_bits::IN | poll_bits::RDNORM : 0) |
                   (b.writers ? 0 : poll_bits::HUP);
        return (b.size < PIPE_CAPACITY ? poll_bits::OUT | poll_bits::WRNORM : 0) |
               (b.readers ? 0 : poll_bits::ERR);
    }
    u64 readiness_events() override { return m_buffer->events; }
    bool read_would_block() override {
        return m_reading && m_buffer->size == 0 && m_buffer->writers;
    }
    bool write_would_block() override {
        return !m_reading && m_buffer->readers && m_buffer->size == PIPE_CAPACITY;
    }

    void release() override {
        PipeBuffer& b = *m_buffer;
        (m_reading ? b.readers : b.writers)--;
        b.notify();
        // FIXME: free the buffer and both ends once neither is referenced (needs inode refcounts).
    }

  private:
    PipeBuffer* m_buffer;
    bool m_reading;
};

class EventCounter final : public Inode {
  public:
    EventCounter(u64 initial, bool semaphore)
        : Inode(InodeType::CharDevice), m_value(initial), m_semaphore(semaphore) {}
    u32 mode_bits() override { return 0600; }

    Result<size_t> read(u64, u8* out, size_t length) override {
        if (length < 8)
            return Errno::EINVAL;
        while (m_value == 0) {
            if (m_waiting.wait() == WakeReason::Interrupted)
                return Errno::EINTR;
        }
        u64 value = m_semaphore ? 1 : m_value;
        m_value -= value;
        memcpy(out, &value, 8);
        m_events++;
        m_waiting.wake_all();
        poll_notify(this);
        return size_t(8);
    }

    Result<size_t> write(u64, const u8* in, size_t length) override {
        if (length < 8)
            return Errno::EINVAL;
        u64 add;
        memcpy(&add, in, 8);
        if (add == ~0ull)
            return Errno::EINVAL;
        while (~0ull - 1 - m_value < add) {
            if (m_waiting.wait() == WakeReason::Interrupted)
                return Errno::EINTR;
        }
        m_value += add;
        m_events++;
        m_waiting.wake_all();
        poll_notify(this);
        return size_t(8);
    }

    u32 poll_events() override {
        return (m_value ? poll_bits::IN | poll_bits::RDNORM : 0) |
               (m_value < ~0ull - 1 ? poll_bits::OUT | poll_bits::WRNORM : 0);
    }
    u64 readiness_events() override { return m_events; }
    bool read_would_block() override { return m_value == 0; }
    bool write_would_block() override { return m_value == ~0ull - 1; }

  private:
    u64 m_value;
    u64 m_events = 0;
    bool m_semaphore;
    WaitQueue m_waiting;
};

} // namespace

Result<PipeEnds> pipe_create() {
    auto* buffer = make<PipeBuffer>();
    if (!buffer)
        return Errno::ENOMEM;
    buffer->data = static_cast<u8*>(kmalloc(PIPE_CAPACITY));
    auto* read_end = make<PipeEnd>(buffer, true);
    auto* write_end = make<PipeEnd>(buffer, false);
    if (!buffer->data || !read_end || !write_end)
        return Errno::ENOMEM;
    buffer->ends[0] = read_end;
    buffer->ends[1] = write_end;
    return PipeEnds{read_end, write_end};
}

Result<Inode*> eventfd_create(u64 initial, bool semaphore) {
    Inode* counter = make<EventCounter>(initial, semaphore);
    if (!counter)
        return Errno::ENOMEM;
    return counter;
}
