// net.cpp: virtio-net set-up (features, queues, buffers) and its interrupt. The rings are
// serviced in receive.cpp and transmit.cpp.
#include "dev/virtio/net/net.h"
#include "arch/x86_64/interrupt_guard.h"
#include "dev/interrupts.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/layout.h"

namespace virtio {

namespace {
// Feature bits ([virtio-v1.1] 5.1.3).
constexpr u64 F_CSUM = 1ull << 0;       // the device completes checksums we leave partial
constexpr u64 F_GUEST_CSUM = 1ull << 1; // we accept partial checksums (and DATA_VALID)
constexpr u64 F_MAC = 1ull << 5;
constexpr u64 F_GUEST_TSO4 = 1ull << 7; // the device may send us large TCP segments
constexpr u64 F_GUEST_TSO6 = 1ull << 8;
constexpr u64 F_HOST_TSO4 = 1ull << 11; // the device cuts large TCP segments we send
constexpr u64 F_HOST_TSO6 = 1ull << 12;
constexpr u64 F_MRG_RXBUF = 1ull << 15; // a frame may span several receive buffers
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

// The features we use. Large receive segments need merged buffers (our receive buffers are
// 4 KiB) and checksum trust (a segment arrives with its checksum partial); large send segments
// need checksum offload. Without a host backend that supports them (QEMU's user network) the
// device offers none of the offloads.
u64 wanted_features(u64 offered) {
    u64 wanted = F_MAC | F_CSUM | F_GUEST_CSUM | F_MRG_RXBUF;
    if ((offered & F_MRG_RXBUF) && (offered & F_GUEST_CSUM))
        wanted |= F_GUEST_TSO4 | F_GUEST_TSO6;
    if (offered & F_CSUM) // segmentation needs the device to finish checksums too
        wanted |= F_HOST_TSO4 | F_HOST_TSO6;
    return wanted;
}
} // namespace

Result<NetDevice*> NetDevice::create(Transport* transport, Receiver receiver,
                                     Transmitted transmitted, void* context) {
    if (g_device_count == MAX_DEVICES)
        return Errno::ENOSPC;
    u64 features = negotiate(*transport, wanted_features(transport->device_features()));
    if (!features)
        return Errno::ENODEV;
    auto* dev = make<NetDevice>();
    if (!dev)
        return Errno::ENOMEM;
    dev->m_transport = transport;
    dev->m_receiver = receiver;
    dev->m_transmitted = transmitted;
    dev->m_context = context;
    dev->m_merged_buffers = features & F_MRG_RXBUF;
    dev->m_checksum_offload = features & F_CSUM;
    dev->m_large_receive = features & (F_GUEST_TSO4 | F_GUEST_TSO6);
    // Both or neither: the stack segments for a connection before it knows its address family.
    dev->m_large_send = (features & F_HOST_TSO4) && (features & F_HOST_TSO6);
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
    // Sent buffers are reclaimed when we next need one or poll: no interrupt for each.
    dev->m_transmit->suppress_interrupts();
    u16 slots = dev->m_transmit->size();
    dev->m_transmit_headers = static_cast<NetHeader*>(kmalloc(sizeof(NetHeader) * slots));
    dev->m_transmit_cookies = static_cast<void**>(kmalloc(sizeof(void*) * slots));
    dev->m_free_transmit = static_cast<u16*>(kmalloc(sizeof(u16) * slots));
    if (!dev->m_transmit_headers || !dev->m_transmit_cookies || !dev->m_free_transmit)
        return Errno::ENOMEM;
    for (u16 i = 0; i < dev->m_transmit->size(); i++)
        dev->m_free_transmit[dev->m_free_transmit_count++] = i;
    transport->set_status(status::ACKNOWLEDGE | status::DRIVER | status::FEATURES_OK |
                          status::DRIVER_OK);
    dev->refill_receive();
    dev->m_receive->kick();
    g_devices[g_device_count++] = dev;
    return dev;
}

Result<void> NetDevice::enable_interrupts() {
    int index = -1;
    for (int i = 0; i < g_device_count; i++)
        if (g_devices[i] == this)
            index = i;
    if (index < 0)
        return Errno::ENODEV;
    u8 vector = u8(FIRST_VECTOR + index);
    register_interrupt_handler(vector, HANDLERS[index]);
    TRY(m_transport->route_interrupts(vector));
    // Frames may have arrived before the interrupt was routed; their edge is gone.
    InterruptGuard guard;
    poll();
    return {};
}

} // namespace virtio
