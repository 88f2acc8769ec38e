// queue.cpp: split virtqueue set-up and synchronous submission.
#include "dev/virtio/queue.h"
#include "arch/x86_64/cpu.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/physical.h"

namespace virtio {

Result<Queue*> Queue::create(Transport& transport, u16 index, u16 max_size) {
    u16 size = transport.queue_max_size(index);
    if (size == 0)
        return Errno::ENODEV;
    if (size > max_size)
        size = max_size;
    // Descriptors, then the available ring, then (4 KiB aligned) the used ring.
    u64 descriptor_bytes = 16ull * size;
    u64 available_bytes = 6 + 2ull * size;
    u64 used_offset = align_up(descriptor_bytes + available_bytes, PAGE_SIZE);
    u64 used_bytes = 6 + 8ull * size;
    u64 pages = align_up(used_offset + used_bytes, PAGE_SIZE) / PAGE_SIZE;
    u64 phys = TRY(physical_allocate(pages));
    auto* base = static_cast<u8*>(phys_to_virt(phys));

    Queue* q = make<Queue>(Queue(transport, index, size));
    if (!q)
        return Errno::ENOMEM;
    q->m_descriptors = reinterpret_cast<Descriptor*>(base);
    q->m_available = reinterpret_cast<volatile u16*>(base + descriptor_bytes);
    q->m_used_header = reinterpret_cast<volatile u16*>(base + used_offset);
    transport.setup_queue(index, size, phys, phys + descriptor_bytes, phys + used_offset);
    return q;
}

Result<u32> Queue::submit_and_wait(const Buffer* buffers, u16 count) {
    if (count == 0 || count > m_size)
        return Errno::EINVAL;
    // One request in flight at a time: descriptors 0..count-1 are reused.
    for (u16 i = 0; i < count; i++) {
        m_descriptors[i].addr = buffers[i].phys;
        m_descriptors[i].len = buffers[i].length;
        m_descriptors[i].flags = u16((i + 1 < count ? Descriptor::NEXT : 0) |
                                     (buffers[i].device_writes ? Descriptor::WRITE : 0));
        m_descriptors[i].next = u16(i + 1 < count ? i + 1 : 0);
    }
    m_available[2 + m_next_available % m_size] = 0;
    asm volatile("" ::: "memory");
    m_next_available++;
    __atomic_store_n(&m_available[1], m_next_available, __ATOMIC_RELEASE);
    asm volatile("mfence" ::: "memory");
    m_transport.notify(m_index);
    while (__atomic_load_n(&m_used_header[1], __ATOMIC_ACQUIRE) == m_last_used)
        cpu::pause();
    auto* used = reinterpret_cast<volatile UsedElement*>(m_used_header + 2);
    u32 written = used[m_last_used % m_size].len;
    m_last_used++;
    return written;
}

} // namespace virtio
