// net.h: the virtio network driver ([virtio-v1.1] 5.1): a receive and a transmit queue with
// their buffers, driven by the device's interrupt. It moves Ethernet frames only; the TCP/IP
// stack above it (kernel/net) decides what they mean.
#pragma once

#include "dev/virtio/queue.h"
#include "lib/result.h"

namespace virtio {

class NetDevice {
  public:
    static constexpr size_t MAX_FRAME = 1514; // Ethernet header + 1500-byte MTU, no FCS
    using Receiver = void (*)(void* context, const u8* frame, size_t length);

    // Starts the device; frames arrive through `receiver` in interrupt context once
    // enable_interrupts() has run.
    static Result<NetDevice*> create(Transport* transport, Receiver receiver, void* context);
    // Routes the device's interrupt line to a vector of its own.
    Result<void> enable_interrupts();

    const u8* mac() const { return m_mac; }
    // A buffer for the next frame, or nullptr while every transmit buffer is in flight.
    u8* transmit_buffer();
    // Sends the frame written into the buffer transmit_buffer() returned.
    void transmit(size_t length);
    // Delivers received frames, refills the receive queue and reclaims sent buffers. Called
    // from the interrupt; also safe to call with interrupts off from anywhere.
    void poll();

  private:
    static constexpr size_t HEADER = 12; // struct virtio_net_hdr with num_buffers (VERSION_1)
    static constexpr size_t BUFFER = 2048;

    void post_receive(u16 index);
    void reclaim_transmitted();

    Transport* m_transport = nullptr;
    Queue* m_receive = nullptr;
    Queue* m_transmit = nullptr;
    Receiver m_receiver = nullptr;
    void* m_context = nullptr;
    u8 m_mac[6] = {};
    u8* m_receive_buffers = nullptr;  // m_receive->size() buffers of BUFFER bytes
    u8* m_transmit_buffers = nullptr; // m_transmit->size() buffers of BUFFER bytes
    u16* m_free_transmit = nullptr;   // stack of idle transmit buffer indexes
    u16 m_free_transmit_count = 0;
    bool m_polling = false;
};

} // namespace virtio
