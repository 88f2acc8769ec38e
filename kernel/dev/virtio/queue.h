// queue.h: a split virtqueue ([virtio-v1.1] 2.6) in one physically contiguous allocation.
// Requests are chains of descriptors; completion is found by polling the used ring (the block
// driver waits synchronously) until interrupt-driven completion lands with the network driver.
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

  private:
    Queue(Transport& transport, u16 index, u16 size) : m_transport(transport), m_index(index), m_size(size) {}

    Transport& m_transport;
    u16 m_index;
    u16 m_size;
    Descriptor* m_descriptors = nullptr;
    volatile u16* m_available = nullptr; // flags, idx, ring[size]
    volatile u16* m_used_header = nullptr; // flags, idx, then UsedElement[size]
    u16 m_next_available = 0;
    u16 m_last_used = 0;
};

} // namespace virtio
