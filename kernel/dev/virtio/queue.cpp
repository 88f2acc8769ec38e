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
    q->m_cookies = static_cast<void**>(kmalloc(sizeof(void*) * size));
    if (!q->m_cookies)
        return Errno::ENOMEM;
    for (u16 i = 0; i < size; i++) {
        q->m_descriptors[i].next = u16(i + 1);
        q->m_cookies[i] = nullptr;
    }
    q->m_free_count = size;
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

namespace virtio {

Result<void> Queue::add(const Buffer* buffers, u16 count, void* cookie) {
    if (count == 0 || count > m_free_count)
        return Errno::ENOSPC;
    u16 head = m_free_head;
    u16 index = head;
    for (u16 i = 0; i < count; i++) {
        Descriptor& d = m_descriptors[index];
        d.addr = buffers[i].phys;
        d.len = buffers[i].length;
        d.flags = u16((i + 1 < count ? Descriptor::NEXT : 0) |
                      (buffers[i].device_writes ? Descriptor::WRITE : 0));
        if (i + 1 < count)
            index = d.next;
    }
    m_free_head = m_descriptors[index].next;
    m_free_count = u16(m_free_count - count);
    m_cookies[head] = cookie;
    m_available[2 + m_next_available % m_size] = head;
    m_next_available++;
    return {};
}

void Queue::publish() {
    if (m_published == m_next_available)
        return;
    asm volatile("" ::: "memory");
    __atomic_store_n(&m_available[1], m_next_available, __ATOMIC_RELEASE);
    m_published = m_next_available;
}

void Queue::kick() {
    if (m_published == m_next_available)
        return;
    publish();
    asm volatile("mfence" ::: "memory");
    // The device sets VIRTQ_USED_F_NO_NOTIFY in the used ring's flags when it is already
    // processing the queue ([virtio-v1.1] 2.6.7.2).
    if (!(m_used_header[0] & 1))
        m_transport.notify(m_index);
}

bool Queue::pop_used(void** cookie, u32* written) {
    if (__atomic_load_n(&m_used_header[1], __ATOMIC_ACQUIRE) == m_last_used)
        return false;
    auto* used = reinterpret_cast<volatile UsedElement*>(m_used_header + 2);
    u16 head = u16(used[m_last_used % m_size].id);
    *written = used[m_last_used % m_size].len;
    m_last_used++;
    *cookie = m_cookies[head];
    m_cookies[head] = nullptr;
    // Return the chain to the free list.
    u16 index = head;
    u16 count = 1;
    while (m_descriptors[index].flags & Descriptor::NEXT) {
        index = m_descriptors[index].next;
        count++;
    }
    m_descriptors[index].next = m_free_head;
    m_free_head = head;
    m_free_count = u16(m_free_count + count);
    return true;
}

} // namespace virtio
