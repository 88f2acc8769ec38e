// net.h: the virtio network driver ([virtio-v1.1] 5.1): a receive and a transmit queue with
// their buffers, driven by the device's interrupt, and the offloads the device offers (checksums
// both ways, large receive segments). It moves Ethernet frames only; the TCP/IP stack above it
// (kernel/net) decides what they mean.
#pragma once

#include "dev/virtio/queue.h"
#include "lib/result.h"

namespace virtio {

// struct virtio_net_hdr ([virtio-v1.1] 5.1.6), the VERSION_1 layout (num_buffers always there).
struct NetHeader {
    static constexpr u8 NEEDS_CSUM = 1; // checksum from csum_start, stored at csum_offset
    static constexpr u8 DATA_VALID = 2; // received: the device checked the checksum
    static constexpr u8 GSO_NONE = 0;
    static constexpr u8 GSO_TCPV4 = 1;
    static constexpr u8 GSO_TCPV6 = 4;
    u8 flags;
    u8 gso_type;
    u16 header_length;
    u16 gso_size;
    u16 csum_start;
    u16 csum_offset;
    u16 num_buffers;
};
static_assert(sizeof(NetHeader) == 12);

// A received frame: its header and the pieces it spans (one unless the device merged receive
// buffers for a large segment). Each piece lives in a receive buffer the receiver now owns: it
// may keep the data (and use the buffer's first RECEIVE_HEADROOM bytes for its own bookkeeping)
// and must give the buffer back with NetDevice::free_receive_buffer().
struct ReceivedFrame {
    static constexpr int MAX_PIECES = 24; // a 64 KiB segment in 4 KiB buffers, with room
    struct Piece {
        u8* buffer; // the start of the buffer (its headroom)
        u8* data;
        u32 length;
    };
    NetHeader header;
    int count;
    Piece pieces[MAX_PIECES];
};

// A frame to send: pieces in order, each physically contiguous (heap memory).
struct TransmitPiece {
    const u8* data;
    u32 length;
};

class NetDevice {
  public:
    static constexpr size_t MAX_FRAME = 1514; // Ethernet header + 1500-byte MTU, no FCS
    static constexpr size_t RECEIVE_HEADROOM = 64;
    static constexpr int MAX_TRANSMIT_PIECES = 16;
    using Receiver = void (*)(void* context, const ReceivedFrame& frame);
    // The device is done with a frame sent with this cookie (called from poll() and
    // reclaim_transmitted(), interrupts off).
    using Transmitted = void (*)(void* context, void* cookie);

    // Starts the device; frames arrive through `receiver` in interrupt context once
    // enable_interrupts() has run.
    static Result<NetDevice*> create(Transport* transport, Receiver receiver,
                                     Transmitted transmitted, void* context);
    // Routes the device's interrupt line to a vector of its own.
    Result<void> enable_interrupts();
    static void free_receive_buffer(u8* buffer);

    const u8* mac() const { return m_mac; }
    // The device completes TCP/UDP checksums we leave partial (NetHeader::NEEDS_CSUM).
    bool checksum_offload() const { return m_checksum_offload; }
    // The device may hand us TCP segments larger than the MTU (NetHeader gso_type set).
    bool large_receive() const { return m_large_receive; }
    // The device cuts TCP segments larger than the MTU we send (NetHeader gso_type/gso_size).
    bool large_send() const { return m_large_send; }

    // Queues a frame (the device reads the pieces in place until it reports `cookie` done);
    // ENOSPC while the ring is full. The header's num_buffers is ignored.
    Result<void> transmit(const NetHeader& header, const TransmitPiece* pieces, int count,
                          void* cookie);
    // Reports the frames the device has finished sending.
    void reclaim_transmitted();
    // Delivers received frames, refills the receive queue and reclaims sent buffers. Called
    // from the interrupt; also safe to call with interrupts off from anywhere.
    void poll();

  private:
    static constexpr size_t HEADER = sizeof(NetHeader);
    // A receive buffer: exactly a 4 KiB heap block (mm/heap.cpp keeps 16 bytes of it).
    static constexpr size_t RECEIVE_BUFFER = 4096 - 16;

    void refill_receive();
    void receive_one(u8* buffer, u32 written);

    Transport* m_transport = nullptr;
    Queue* m_receive = nullptr;
    Queue* m_transmit = nullptr;
    Receiver m_receiver = nullptr;
    Transmitted m_transmitted = nullptr;
    void* m_context = nullptr;
    u8 m_mac[6] = {};
    bool m_merged_buffers = false; // VIRTIO_NET_F_MRG_RXBUF: a frame may span several buffers
    bool m_checksum_offload = false;
    bool m_large_receive = false;
    bool m_large_send = false;
    u16 m_receive_posted = 0; // buffers the device holds
    // Per transmit slot (one frame in flight each): its header and cookie.
    NetHeader* m_transmit_headers = nullptr;
    void** m_transmit_cookies = nullptr;
    u16* m_free_transmit = nullptr; // stack of idle slots
    u16 m_free_transmit_count = 0;
    bool m_polling = false;
};

} // namespace virtio
