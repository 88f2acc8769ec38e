// blk.cpp: virtio-blk requests: header, data, status in one descriptor chain.
#include "dev/virtio/blk/blk.h"
#include "mm/heap.h"
#include "mm/layout.h"

namespace virtio {

BlockDevice* g_disks[MAX_DISKS];
int g_disk_count;

namespace {
constexpr u64 F_RO = 1ull << 5;
constexpr u64 F_FLUSH = 1ull << 9;
constexpr u32 T_IN = 0;
constexpr u32 T_OUT = 1;
constexpr u32 T_FLUSH = 4;
constexpr u16 QUEUE_SIZE = 64;
// One request moves at most this much: bounds the physically contiguous span we hand over.
constexpr u64 MAX_REQUEST_BYTES = 1 * MiB;
} // namespace

Result<BlockDevice*> BlockDevice::create(Transport* transport) {
    u64 features = negotiate(*transport, F_RO | F_FLUSH);
    if (!features)
        return Errno::ENODEV;
    auto* dev = make<BlockDevice>();
    if (!dev)
        return Errno::ENOMEM;
    dev->m_transport = transport;
    dev->m_read_only = features & F_RO;
    dev->m_can_flush = features & F_FLUSH;
    dev->m_capacity_sectors = transport->config_read64(0);
    dev->m_queue = TRY(Queue::create(*transport, 0, QUEUE_SIZE));
    dev->m_header = static_cast<Header*>(kmalloc(sizeof(Header)));
    dev->m_status = static_cast<u8*>(kmalloc(1));
    if (!dev->m_header || !dev->m_status)
        return Errno::ENOMEM;
    transport->set_status(status::ACKNOWLEDGE | status::DRIVER | status::FEATURES_OK |
                          status::DRIVER_OK);
    return dev;
}

Result<void> BlockDevice::request(u32 type, u64 sector, void* buffer, u64 bytes) {
    m_header->type = type;
    m_header->reserved = 0;
    m_header->sector = sector;
    *m_status = 0xff;
    Buffer chain[3];
    u16 n = 0;
    chain[n++] = {virt_to_phys(m_header), sizeof(Header), false};
    if (bytes)
        chain[n++] = {virt_to_phys(buffer), u32(bytes), type == T_IN};
    chain[n++] = {virt_to_phys(m_status), 1, true};
    TRY(m_queue->submit_and_wait(chain, n));
    if (*m_status != 0)
        return Errno::EIO;
    return {};
}

Result<void> BlockDevice::read_sectors(u64 sector, void* buffer, u64 count) {
    if (sector + count > m_capacity_sectors || sector + count < sector)
        return Errno::EIO;
    auto* p = static_cast<u8*>(buffer);
    while (count) {
        u64 n = min(count, MAX_REQUEST_BYTES / SECTOR);
        TRY(request(T_IN, sector, p, n * SECTOR));
        sector += n;
        p += n * SECTOR;
        count -= n;
    }
    return {};
}

Result<void> BlockDevice::write_sectors(u64 sector, const void* buffer, u64 count) {
    if (m_read_only)
        return Errno::EROFS;
    if (sector + count > m_capacity_sectors || sector + count < sector)
        return Errno::EIO;
    auto* p = static_cast<u8*>(const_cast<void*>(buffer));
    while (count) {
        u64 n = min(count, MAX_REQUEST_BYTES / SECTOR);
        TRY(request(T_OUT, sector, p, n * SECTOR));
        sector += n;
        p += n * SECTOR;
        count -= n;
    }
    return {};
}

Result<void> BlockDevice::flush() {
    if (!m_can_flush)
        return {};
    return request(T_FLUSH, 0, nullptr, 0);
}

} // namespace virtio
