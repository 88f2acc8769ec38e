// mbr.cpp: partitioned-image layout, partition table writing (with the CHS quirk) and parsing
// (tfs.md 1.1-1.4). Pure functions over caller buffers: no allocation, no I/O.
#include "common/disk/mbr.h"

#include "common/base/endian.h"

namespace disk {

static uint64_t round_up_sectors(uint64_t bytes) {
    return (bytes + kSectorSize - 1) / kSectorSize * kSectorSize;
}

Layout compute_layout(uint64_t stage2_bytes, uint64_t root_fs_bytes, Esp esp) {
    Layout l;
    l.stage2_bytes = round_up_sectors(stage2_bytes);
    l.klog_offset = kSectorSize + l.stage2_bytes;
    uint64_t next = l.klog_offset + kKlogBytes;
    if (esp == Esp::present) {
        l.esp_offset = next;
        l.esp_bytes = kEspBytes;
        next += kEspBytes;
    }
    l.boot_fs_offset = next;
    l.boot_fs_bytes = kBootFsBytes;
    l.root_fs_offset = next + kBootFsBytes;
    l.root_fs_bytes = round_up_sectors(root_fs_bytes);
    l.image_bytes = l.root_fs_offset + l.root_fs_bytes;
    return l;
}

uint64_t stage2_length(Bytes boot_sector) {
    if (boot_sector.size() < kPartitionTableOffset)
        return 0;
    const uint8_t* record = boot_sector.data() + kRegionRecordOffset;
    if (common::load_le32(record + 16) != kRegionRecordType)
        return 0;
    return common::load_le64(record + 8);
}

void chs_of(uint64_t byte_offset, uint8_t out[3]) {
    uint64_t s = byte_offset / kSectorSize;
    uint64_t cyl = s / 63 / 255;
    uint64_t head = (s / 63) % 255;
    uint64_t sec = s % 63 + 1;
    if (cyl > 1023) {
        cyl = 1023;
        head = 254;
        sec = 63;
    }
    // Nanos ORs cylinder bits 8..9 into the low bits of byte 1, not bits 6..7 (1.2).
    out[0] = uint8_t(head);
    out[1] = uint8_t((cyl >> 8) | sec);
    out[2] = uint8_t(cyl & 0xff);
}

static Error write_entry(uint8_t* p, uint8_t type, uint64_t offset, uint64_t bytes) {
    uint64_t lba = offset / kSectorSize;
    uint64_t sectors = bytes / kSectorSize;
    if (bytes == 0 || lba > UINT32_MAX || sectors > UINT32_MAX)
        return Error::out_of_range;
    p[0] = kStatusActive;
    chs_of(offset, p + 1);
    p[4] = type;
    chs_of(offset + bytes - kSectorSize, p + 5);
    common::store_le32(p + 8, uint32_t(lba));
    common::store_le32(p + 12, uint32_t(sectors));
    return Error::none;
}

Error write_partition_table(MutableBytes sector0, const Layout& layout) {
    if (sector0.size() < kSectorSize)
        return Error::truncated;
    uint8_t* table = sector0.data() + kPartitionTableOffset;
    for (size_t i = 0; i < kPartitionCount * kPartitionEntryBytes; i++)
        table[i] = 0;
    size_t slot = 0;
    Error e;
    if (layout.esp_bytes) {
        e = write_entry(table, kTypeEfi, layout.esp_offset, layout.esp_bytes);
        if (e != Error::none)
            return e;
        slot++;
    }
    e = write_entry(table + slot * kPartitionEntryBytes, kTypeLinux, layout.boot_fs_offset,
                    layout.boot_fs_bytes);
    if (e != Error::none)
        return e;
    slot++;
    e = write_entry(table + slot * kPartitionEntryBytes, kTypeLinux, layout.root_fs_offset,
                    layout.root_fs_bytes);
    if (e != Error::none)
        return e;
    sector0[510] = 0x55;
    sector0[511] = 0xaa;
    return Error::none;
}

Error parse_boot_disk(Bytes sector0, uint64_t disk_bytes, BootDisk* out) {
    if (sector0.size() < kSectorSize)
        return Error::truncated;
    if (sector0[510] != 0x55 || sector0[511] != 0xaa)
        return Error::no_signature;
    BootDisk d;
    for (size_t i = 0; i < kPartitionCount; i++) {
        const uint8_t* p = sector0.data() + kPartitionTableOffset + i * kPartitionEntryBytes;
        d.entries[i].status = p[0];
        d.entries[i].type = p[4];
        d.entries[i].first_lba = common::load_le32(p + 8);
        d.entries[i].sectors = common::load_le32(p + 12);
    }
    d.has_esp = d.entries[0].type == kTypeEfi;
    size_t first = d.has_esp ? 1 : 0;
    d.boot_fs = d.entries[first];
    d.root_fs = d.entries[first + 1];
    d.root_fs_offset = d.root_fs.byte_offset();
    if (d.root_fs.first_lba == 0 || d.root_fs_offset >= disk_bytes)
        return Error::out_of_range;
    d.root_fs_bytes = disk_bytes - d.root_fs_offset;
    uint64_t first_start = d.entries[0].byte_offset();
    d.klog_offset = first_start >= kKlogBytes ? first_start - kKlogBytes : 0;
    *out = d;
    return Error::none;
}

} // namespace disk
