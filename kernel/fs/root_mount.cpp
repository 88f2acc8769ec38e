// root_mount.cpp: the boot disk's partition table (common/disk) and the mount of its root TFS.
#include "fs/root_mount.h"
#include "common/disk/mbr.h"
#include "dev/virtio/blk/blk.h"
#include "lib/format.h"
#include "mm/heap.h"

Result<TfsVolume*> mount_root_filesystem(int* disk_index) {
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
        auto volume =
            TfsVolume::mount(disk, boot.root_fs_offset, boot.root_fs_bytes, MountMode::ReadWrite);
        if (volume.is_error()) {
            kprintf("ops kernel: the root filesystem on disk %d is unreadable\n", i);
            return Errno::EIO;
        }
        *disk_index = i;
        return volume.value();
    }
    return Errno::ENODEV;
}
