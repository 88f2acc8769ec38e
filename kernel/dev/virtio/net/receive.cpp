// receive.cpp: virtio-net's receive ring. It is kept full of 4 KiB heap buffers; a frame the
// device wrote (into one buffer, or with merged buffers into several for a large segment) goes
// to the receiver together with its buffers, and fresh ones take their place in the ring. No
// frame is copied here.
#include "dev/virtio/net/net.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/layout.h"

namespace virtio {

void NetDevice::free_receive_buffer(u8* buffer) {
    kfree(buffer);
}

// The device needs a notification only when it may be waiting for buffers: when what it holds
// might not fit the largest frame (a 64 KiB segment). QEMU looks at the ring again for each
// frame, so buffers added while it holds plenty are found without one: every notification is a
// trap to the VMM, a cost we would otherwise pay on every interrupt.
constexpr u16 STARVING_BELOW = 24; // 24 x 4016 bytes > 65562, the largest frame with its header

void NetDevice::refill_receive() {
    while (m_receive_posted < m_receive->size()) {
        auto* buffer = static_cast<u8*>(kmalloc_uninitialized(RECEIVE_BUFFER));
        if (!buffer)
            return; // out of memory: the ring runs with fewer buffers until the next poll
        Buffer chain = {virt_to_phys(buffer + RECEIVE_HEADROOM),
                        u32(RECEIVE_BUFFER - RECEIVE_HEADROOM), true};
        if (m_receive->add(&chain, 1, buffer).is_error()) {
            kfree(buffer);
            return;
        }
        m_receive_posted++;
    }
}

// `buffer` is the first (often only) buffer of a frame; with merged buffers the header says how
// many more the device used, and they are the next used entries.
void NetDevice::receive_one(u8* buffer, u32 written) {
    ReceivedFrame frame;
    memcpy(&frame.header, buffer + RECEIVE_HEADROOM, HEADER);
    int count = m_merged_buffers ? max<int>(frame.header.num_buffers, 1) : 1;
    frame.count = 0;
    bool whole = written >= HEADER;
    auto add_piece = [&](u8* piece, u32 offset, u32 length) {
        if (frame.count == ReceivedFrame::MAX_PIECES ||
            length > RECEIVE_BUFFER - RECEIVE_HEADROOM) {
            whole = false;
            free_receive_buffer(piece);
            return;
        }
        frame.pieces[frame.count++] = {piece, piece + RECEIVE_HEADROOM + offset, length};
    };
    add_piece(buffer, HEADER, whole ? written - u32(HEADER) : 0);
    for (int i = 1; i < count; i++) {
        void* cookie;
        u32 length;
        if (!m_receive->pop_used(&cookie, &length)) {
            whole = false; // the device publishes a frame's buffers together: not seen
            break;
        }
        m_receive_posted--;
        add_piece(static_cast<u8*>(cookie), 0, length);
    }
    if (whole) {
        m_receiver(m_context, frame);
        return;
    }
    for (int i = 0; i < frame.count; i++)
        free_receive_buffer(frame.pieces[i].buffer);
}

void NetDevice::poll() {
    if (m_polling) // a frame handler sent a reply that came straight back: the outer loop sees it
        return;
    m_polling = true;
    m_transport->acknowledge_interrupt();
    void* cookie;
    u32 written;
    while (m_receive->pop_used(&cookie, &written)) {
        m_receive_posted--;
        receive_one(static_cast<u8*>(cookie), written);
        // Give the device buffers back as we go: a burst may be longer than the ring.
        if (m_receive_posted < m_receive->size() / 2) {
            bool starving = m_receive_posted < STARVING_BELOW;
            refill_receive();
            if (starving)
                m_receive->kick();
        }
    }
    bool starving = m_receive_posted < STARVING_BELOW;
    refill_receive();
    if (starving)
        m_receive->kick();
    else
        m_receive->publish();
    reclaim_transmitted();
    m_polling = false;
}

} // namespace virtio
