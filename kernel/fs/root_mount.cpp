// root_mount.cpp: the glue between virtio-blk and common/tfs: a byte-addressed BlockSource
// over a sector device and the kernel heap as the TFS allocator.
#include "fs/root_mount.h"
#include "common/disk/mbr.h"
#include "dev/virtio/blk/blk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"

namespace {

class HeapAllocator final : public common::Allocator {
  public:
    void* allocate(size_t size, size_t align) override {
        // kmalloc blocks are 16-byte aligned; TFS never asks for more.
        return align <= 16 ? kmalloc(size) : nullptr;
    }
    void deallocate(void* p, size_t) override { kfree(p); }
};

class DiskSource final : public tfs::BlockSource {
  public:
    explicit DiskSource(virtio::BlockDevice* disk) : m_disk(disk) {}

    bool read(uint64_t offset, common::MutableBytes out) override {
        constexpr u64 S = virtio::BlockDevice::SECTOR;
        u8* p = out.data();
        u64 remaining = out.size();
        if (offset + remaining < offset || offset + remaining > m_disk->capacity_bytes())
            return false;
        while (remaining) {
            u64 sector = offset / S;
            u64 head = offset % S;
            if (head == 0 && remaining >= S) {
                // Whole sectors straight into the caller's (physically contiguous) buffer.
                u64 n = min<u64>(remaining / S, BOUNCE / S);
                if (m_disk->read_sectors(sector, p, n).is_error())
                    return false;
                p += n * S;
                offset += n * S;
                remaining -= n * S;
                continue;
            }
            if (!m_bounce && !(m_bounce = static_cast<u8*>(kmalloc(BOUNCE))))
                return false;
            u64 sectors = min<u64>(align_up(head + remaining, S) / S, BOUNCE / S);
            if (m_disk->read_sectors(sector, m_bounce, sectors).is_error())
                return false;
            u64 n = min(remaining, sectors * S - head);
            memcpy(p, m_bounce + head, n);
            p += n;
            offset += n;
            remaining -= n;
        }
        return true;
    }

  private:
    static constexpr u64 BOUNCE = 64 * KiB;
    virtio::BlockDevice* m_disk;
    u8* m_bounce = nullptr;
};

HeapAllocator g_allocator;

} // namespace

Result<tfs::Filesystem*> mount_root_filesystem() {
    for (int i = 0; i < virtio::g_disk_count; i++) {
        virtio::BlockDevice* disk = virtio::g_disks[i];
        auto* sector0 = static_cast<u8*>(kmalloc(512));
        if (!sector0)
            return Errno::ENOMEM;
        auto read = disk->read_sectors(0, sector0, 1);
        disk::BootDisk boot;
        auto parsed = read.is_error() ? disk::Error::truncated
                                      : disk::parse_boot_disk(common::Bytes(sector0, 512),
                                                              disk->capacity_bytes(), &boot);
        kfree(sector0);
        if (parsed != disk::Error::none)
            continue;
        auto* source = make<DiskSource>(disk);
        auto* partition = source ? make<tfs::OffsetSource>(*source, boot.root_fs_offset) : nullptr;
        auto* fs = make<tfs::Filesystem>(g_allocator);
        if (!partition || !fs)
            return Errno::ENOMEM;
        tfs::MountOptions options;
        options.fs_bytes = boot.root_fs_bytes;
        auto error = fs->mount(*partition, options);
        if (error != tfs::Error::none) {
            kprintf("ops kernel: the root filesystem on disk %d is unreadable (error %d)\n", i,
                    int(error));
            return Errno::EIO;
        }
        return fs;
    }
    return Errno::ENODEV;
}
