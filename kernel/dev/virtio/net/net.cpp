// net.cpp: virtio-net set-up, the receive ring (always full of empty 2 KiB buffers), the transmit
// ring (frames copied into per-slot buffers) and the interrupt that services both.
#include "dev/virtio/net/net.h"
#include "arch/x86_64/interrupt_guard.h"
#include "arch/x86_64/ioapic.h"
#include "dev/interrupts.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/physical.h"

namespace virtio {

namespace {
constexpr u64 F_MAC = 1ull << 5;
constexpr u16 MAX_QUEUE = 256;
constexpr u16 RECEIVE_QUEUE = 0;
constexpr u16 TRANSMIT_QUEUE = 1;
// Network devices take vectors from here up, one each.
constexpr u8 FIRST_VECTOR = 0x40;
constexpr int MAX_DEVICES = 4;

NetDevice* g_devices[MAX_DEVICES];
int g_device_count;

template <int N>
void interrupt() {
    g_devices[N]->poll();
    end_of_interrupt();
}
constexpr InterruptHandler HANDLERS[MAX_DEVICES] = {interrupt<0>, interrupt<1>, interrupt<2>,
                                                    interrupt<3>};

Result<u8*> allocate_buffers(u16 count, size_t size) {
    u64 pages = align_up(u64(count) * size, PAGE_SIZE) / PAGE_SIZE;
    u64 phys = TRY(physical_allocate(pages));
    return static_cast<u8*>(phys_to_virt(phys));
}
} // namespace

Result<NetDevice*> NetDevice::create(Transport* transport, Receiver receiver, void* context) {
    if (g_device_count == MAX_DEVICES)
        return Errno::ENOSPC;
    u64 features = negotiate(*transport, F_MAC);
    if (!features)
        return Errno::ENODEV;
    auto* dev = make<NetDevice>();
    if (!dev)
        return Errno::ENOMEM;
    dev->m_transport = transport;
    dev->m_receiver = receiver;
    dev->m_context = context;
    if (features & F_MAC) {
        for (u32 i = 0; i < 6; i++)
            dev->m_mac[i] = transport->config_read8(i);
    } else {
        // A locally administered address of our own.
        u64 r = 0x0200000000ull | u64(g_device_count + 1);
        for (int i = 0; i < 6; i++)
            dev->m_mac[i] = u8(r >> (8 * (5 - i)));
    }
    dev->m_receive = TRY(Queue::create(*transport, RECEIVE_QUEUE, MAX_QUEUE));
    dev->m_transmit = TRY(Queue::create(*transport, TRANSMIT_QUEUE, MAX_QUEUE));
    dev->m_receive_buffers = TRY(allocate_buffers(dev->m_receive->size(), BUFFER));
    dev->m_transmit_buffers = TRY(allocate_buffers(dev->m_transmit->size(), BUFFER));
    dev->m_free_transmit = static_cast<u16*>(kmalloc(sizeof(u16) * dev->m_transmit->size()));
    if (!dev->m_free_transmit)
        return Errno::ENOMEM;
    for (u16 i = 0; i < dev->m_transmit->size(); i++)
        dev->m_free_transmit[dev->m_free_transmit_count++] = i;
    transport->set_status(status::ACKNOWLEDGE | status::DRIVER | status::FEATURES_OK |
                          status::DRIVER_OK);
    for (u16 i = 0; i < dev->m_receive->size(); i++)
        dev->post_receive(i);
    dev->m_receive->kick();
    g_devices[g_device_count++] = dev;
    return dev;
}

Result<void> NetDevice::enable_interrupts() {
    int index = -1;
    for (int i = 0; i < g_device_count; i++)
        if (g_devices[i] == this)
            index = i;
    int line = m_transport->interrupt_line();
    if (index < 0 || line < 0)
        return Errno::ENODEV;
    u8 vector = u8(FIRST_VECTOR + index);
    register_interrupt_handler(vector, HANDLERS[index]);
    if (!ioapic_route(u32(line), vector))
        return Errno::ENODEV;
    // Frames may have arrived before the line was routed; their edge is gone.
    InterruptGuard guard;
    poll();
    return {};
}

void NetDevice::post_receive(u16 index) {
    u8* buffer = m_receive_buffers + u64(index) * BUFFER;
    Buffer chain = {virt_to_phys(buffer), u32(BUFFER), true};
    // The receive queue has exactly one descriptor per buffer, so this cannot fail.
    (void)m_receive->add(&chain, 1, reinterpret_cast<void*>(u64(index) + 1));
}

u8* NetDevice::transmit_buffer() {
    if (m_free_transmit_count == 0)
        reclaim_transmitted();
    if (m_free_transmit_count == 0)
        return nullptr;
    u16 index = m_free_transmit[m_free_transmit_count - 1];
    return m_transmit_buffers + u64(index) * BUFFER + HEADER;
}

void NetDevice::transmit(size_t length) {
    u16 index = m_free_transmit[--m_free_transmit_count];
    u8* buffer = m_transmit_buffers + u64(index) * BUFFER;
    memset(buffer, 0, HEADER); // no checksum or segmentation offload requested
    Buffer chain = {virt_to_phys(buffer), u32(HEADER + length), false};
    (void)m_transmit->add(&chain, 1, reinterpret_cast<void*>(u64(index) + 1));
    m_transmit->kick();
}

void NetDevice::reclaim_transmitted() {
    void* cookie;
    u32 written;
    while (m_transmit->pop_used(&cookie, &written))
        m_free_transmit[m_free_transmit_count++] = u16(reinterpret_cast<u64>(cookie) - 1);
}

void NetDevice::poll() {
    if (m_polling) // a frame handler sent a reply that came straight back: the outer loop sees it
        return;
    m_polling = true;
    m_transport->acknowledge_interrupt();
    void* cookie;
    u32 written;
    while (m_receive->pop_used(&cookie, &written)) {
        u16 index = u16(reinterpret_cast<u64>(cookie) - 1);
        u8* buffer = m_receive_buffers + u64(index) * BUFFER;
        if (written > HEADER)
            m_receiver(m_context, buffer + HEADER, min<size_t>(written - HEADER, BUFFER - HEADER));
        post_receive(index);
    }
    m_receive->kick();
    reclaim_transmitted();
    m_polling = false;
}

} // namespace virtio
