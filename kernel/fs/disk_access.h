// disk_access.h: byte-addressed access to a region of a virtio disk (a partition or a whole
// volume) for common/tfs: whole sectors go straight to the device, partial ones through a
// bounce sector (read-modify-write). Blocks on the disk; call with the big kernel lock held.
#pragma once

#include "common/tfs/block_device.h"
#include "dev/virtio/blk/blk.h"

class DiskAccess final : public tfs::BlockSource, public tfs::BlockSink {
  public:
    // The region [base, base + bytes) of the disk; both multiples of the sector size.
    DiskAccess(virtio::BlockDevice* disk, u64 base, u64 bytes)
        : m_disk(disk), m_base(base), m_bytes(bytes) {}

    bool read(uint64_t offset, common::MutableBytes out) override;
    bool write(uint64_t offset, common::Bytes data) override;
    // Asks the device to make every completed write durable (VIRTIO_BLK_T_FLUSH).
    bool flush();
    virtio::BlockDevice* disk() const { return m_disk; }

  private:
    bool in_range(u64 offset, u64 length) const {
        return offset + length >= offset && offset + length <= m_bytes;
    }
    bool bounce_ready();

    static constexpr u64 SECTOR = virtio::BlockDevice::SECTOR;
    virtio::BlockDevice* m_disk;
    u64 m_base;
    u64 m_bytes;
    u8* m_bounce = nullptr; // one sector
};
