// blk.h: the virtio block driver ([virtio-v1.1] 5.2). Synchronous, one request at a time;
// may block (spins on completion today). Not for interrupt context.
#pragma once

#include "dev/virtio/queue.h"
#include "lib/result.h"

namespace virtio {

class BlockDevice {
  public:
    static constexpr u64 SECTOR = 512;
    static Result<BlockDevice*> create(Transport* transport);

    u64 capacity_bytes() const { return m_capacity_sectors * SECTOR; }
    bool read_only() const { return m_read_only; }
    // Reads/writes whole sectors; buffer must be physically contiguous kernel memory.
    Result<void> read_sectors(u64 sector, void* buffer, u64 count);
    Result<void> write_sectors(u64 sector, const void* buffer, u64 count);
    Result<void> flush();

  private:
    Result<void> request(u32 type, u64 sector, void* buffer, u64 bytes);

    Transport* m_transport = nullptr;
    Queue* m_queue = nullptr;
    u64 m_capacity_sectors = 0;
    bool m_read_only = false;
    bool m_can_flush = false;
    struct Header {
        u32 type;
        u32 reserved;
        u64 sector;
    };
    Header* m_header = nullptr;
    u8* m_status = nullptr;
};

// The disks found at boot, in discovery order.
constexpr int MAX_DISKS = 8;
extern BlockDevice* g_disks[MAX_DISKS];
extern int g_disk_count;

} // namespace virtio
