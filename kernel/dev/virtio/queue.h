// queue.h: a split virtqueue ([virtio-v1.1] 2.6) in one physically contiguous allocation.
// Requests are chains of descriptors. A queue is used one of two ways: synchronously (one
// request at a time, completion found by polling: the block driver) or asynchronously (many
// chains in flight from a free list, completions popped from the used ring when the device
// interrupts: the network driver).
#pragma once

#include "dev/virtio/transport.h"
#include "dev/virtio/virtio.h"
#include "lib/result.h"

namespace virtio {

struct Buffer {
    u64 phys;
    u32 length;
    bool device_writes;
};

class Queue {
  public:
    // Allocates and registers queue `index` with at most `max_size` entries.
    static Result<Queue*> create(Transport& transport, u16 index, u16 max_size);

    // Submits a chain of buffers, notifies the device and waits for it to be used. Returns the
    // number of bytes the device wrote.
    Result<u32> submit_and_wait(const Buffer* buffers, u16 count);

    // Asynchronous use. add() places a chain and remembers `cookie` for it (ENOSPC when too
    // few descriptors are free); kick() makes everything added visible and notifies the device
    // unless it asked not to be; pop_used() returns the next completed chain's cookie and the
    // bytes the device wrote, false when there is none.
    Result<void> add(const Buffer* buffers, u16 count, void* cookie);
    void kick();
    // Makes everything added visible without notifying the device (it will look by itself).
    void publish();
    bool pop_used(void** cookie, u32* written);
    u16 free_descriptors() const { return m_free_count; }
    // Asks the device not to interrupt when it uses buffers of this queue (VIRTQ_AVAIL_F_NO_
    // INTERRUPT, [virtio-v1.1] 2.6.7): for a queue whose completions are collected by polling.
    void suppress_interrupts() { m_available[0] = 1; }
    u16 size() const { return m_size; }

  private:
    Queue(Transport& transport, u16 index, u16 size)
        : m_transport(transport), m_index(index), m_size(size) {}

    Transport& m_transport;
    u16 m_index;
    u16 m_size;
    Descriptor* m_descriptors = nullptr;
    volatile u16* m_available = nullptr;   // flags, idx, ring[size]
    volatile u16* m_used_header = nullptr; // flags, idx, then UsedElement[size]
    u16 m_next_available = 0;
    u16 m_last_used = 0;
    // Asynchronous use: descriptors not in flight, chained through Descriptor::next.
    u16 m_free_head = 0;
    u16 m_free_count = 0;
    u16 m_published = 0;        // m_next_available as last written to the ring's idx
    void** m_cookies = nullptr; // by head descriptor
};

} // namespace virtio
