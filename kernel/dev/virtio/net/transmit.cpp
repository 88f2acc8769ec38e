// transmit.cpp: virtio-net's transmit ring. A frame is a descriptor chain: its header (kept per
// slot) and the sender's own buffers, read in place (no copy). The device reports frames done
// in the used ring; the transmit queue raises no interrupt, so they are collected when we next
// send, poll or need a slot, and handed back to the sender through its cookie.
#include "dev/virtio/net/net.h"
#include "mm/layout.h"

namespace virtio {

Result<void> NetDevice::transmit(const NetHeader& header, const TransmitPiece* pieces, int count,
                                 void* cookie) {
    if (count < 1 || count > MAX_TRANSMIT_PIECES)
        return Errno::EINVAL;
    if (m_free_transmit_count == 0 || m_transmit->free_descriptors() < count + 1)
        reclaim_transmitted();
    if (m_free_transmit_count == 0 || m_transmit->free_descriptors() < count + 1)
        return Errno::ENOSPC;
    u16 slot = m_free_transmit[--m_free_transmit_count];
    NetHeader& h = m_transmit_headers[slot];
    h = header;
    h.num_buffers = 0;
    Buffer chain[MAX_TRANSMIT_PIECES + 1];
    chain[0] = {virt_to_phys(&h), u32(HEADER), false};
    for (int i = 0; i < count; i++)
        chain[i + 1] = {virt_to_phys(pieces[i].data), pieces[i].length, false};
    m_transmit_cookies[slot] = cookie;
    // Cannot fail: the free descriptors were counted above.
    (void)m_transmit->add(chain, u16(count + 1), reinterpret_cast<void*>(u64(slot) + 1));
    m_transmit->kick();
    return {};
}

void NetDevice::reclaim_transmitted() {
    void* cookie;
    u32 written;
    while (m_transmit->pop_used(&cookie, &written)) {
        u16 slot = u16(reinterpret_cast<u64>(cookie) - 1);
        m_free_transmit[m_free_transmit_count++] = slot;
        void* sender_cookie = m_transmit_cookies[slot];
        m_transmit_cookies[slot] = nullptr;
        m_transmitted(m_context, sender_cookie);
    }
}

} // namespace virtio
