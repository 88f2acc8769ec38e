// disk_access.cpp: sector arithmetic between byte offsets and the virtio disk. Every kernel
// buffer (heap, kernel stacks, the kernel image) is physically contiguous, so whole sectors go
// to the device from the caller's memory without a copy.
#include "fs/disk_access.h"
#include "lib/string.h"
#include "mm/heap.h"

bool DiskAccess::bounce_ready() {
    if (!m_bounce)
        m_bounce = static_cast<u8*>(kmalloc(SECTOR));
    return m_bounce;
}

bool DiskAccess::read(uint64_t offset, common::MutableBytes out) {
    u8* p = out.data();
    u64 remaining = out.size();
    if (!in_range(offset, remaining))
        return false;
    while (remaining) {
        u64 sector = (m_base + offset) / SECTOR;
        u64 head = offset % SECTOR;
        if (head == 0 && remaining >= SECTOR) {
            u64 n = remaining / SECTOR;
            if (m_disk->read_sectors(sector, p, n).is_error())
                return false;
            p += n * SECTOR;
            offset += n * SECTOR;
            remaining -= n * SECTOR;
            continue;
        }
        if (!bounce_ready() || m_disk->read_sectors(sector, m_bounce, 1).is_error())
            return false;
        u64 n = min(remaining, SECTOR - head);
        memcpy(p, m_bounce + head, n);
        p += n;
        offset += n;
        remaining -= n;
    }
    return true;
}

bool DiskAccess::write(uint64_t offset, common::Bytes data) {
    const u8* p = data.data();
    u64 remaining = data.size();
    if (!in_range(offset, remaining))
        return false;
    while (remaining) {
        u64 sector = (m_base + offset) / SECTOR;
        u64 head = offset % SECTOR;
        if (head == 0 && remaining >= SECTOR) {
            u64 n = remaining / SECTOR;
            if (m_disk->write_sectors(sector, p, n).is_error())
                return false;
            p += n * SECTOR;
            offset += n * SECTOR;
            remaining -= n * SECTOR;
            continue;
        }
        u64 n = min(remaining, SECTOR - head);
        if (!bounce_ready() || m_disk->read_sectors(sector, m_bounce, 1).is_error())
            return false;
        memcpy(m_bounce + head, p, n);
        if (m_disk->write_sectors(sector, m_bounce, 1).is_error())
            return false;
        p += n;
        offset += n;
        remaining -= n;
    }
    return true;
}

bool DiskAccess::flush() {
    return !m_disk->flush().is_error();
}
