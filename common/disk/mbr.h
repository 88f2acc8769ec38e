// mbr.h: the partitioned boot image (tfs.md 1): where the MBR, stage2, klog, optional ESP, boot FS
// and root FS sit, writing the partition table with Nanos's CHS quirk, and parsing it back.
#pragma once

#include "common/base/span.h"

#include <cstddef>
#include <cstdint>

namespace disk {

using common::Bytes;
using common::MutableBytes;

constexpr uint64_t kSectorSize = 512;
constexpr uint64_t kKlogBytes = 4096;          // 1.5
constexpr uint64_t kBootFsBytes = 12ull << 20; // always exactly 12 MiB (1.3)
constexpr uint64_t kEspBytes = 33ull << 20;    // UEFI images only (1.6)
constexpr uint32_t kRegionRecordType = 12;     // "filesystem region" (1.2)
constexpr size_t kRegionRecordOffset = 0x1aa;
constexpr size_t kPartitionTableOffset = 0x1be;
constexpr size_t kPartitionEntryBytes = 16;
constexpr size_t kPartitionCount = 4;
constexpr uint8_t kTypeLinux = 0x83;
constexpr uint8_t kTypeEfi = 0xef;
constexpr uint8_t kStatusActive = 0x80;

enum class Error : uint8_t {
    none = 0,
    no_signature,    // sector 0 lacks 55 aa: not a partitioned disk (maybe a bare TFS volume)
    truncated,       // a buffer shorter than a sector
    out_of_range,    // a partition starts beyond the disk or sizes overflow 32-bit LBAs
    invalid_argument // unusable layout input
};

enum class Esp : uint8_t { absent, present };

// Byte offsets and sizes of every region of a partitioned image.
struct Layout {
    uint64_t stage2_bytes = 0;
    uint64_t klog_offset = 0;
    uint64_t esp_offset = 0; // 0 when absent
    uint64_t esp_bytes = 0;
    uint64_t boot_fs_offset = 0;
    uint64_t boot_fs_bytes = 0;
    uint64_t root_fs_offset = 0;
    uint64_t root_fs_bytes = 0;
    uint64_t image_bytes = 0; // root_fs_offset + root_fs_bytes
};

// The layout for a stage2 of stage2_bytes (0 for ops-style images without a boot loader: the boot
// FS then starts at LBA 9) and a root FS of root_fs_bytes (rounded up to whole sectors).
Layout compute_layout(uint64_t stage2_bytes, uint64_t root_fs_bytes, Esp esp = Esp::absent);

// The stage2 length from a boot image's sector 0 (its region record): 0 when the record type is
// not 12, as ops does, or when the buffer is too short.
uint64_t stage2_length(Bytes boot_sector);

// The CHS triple Nanos writes for a byte offset, quirk included (1.2).
void chs_of(uint64_t byte_offset, uint8_t out[3]);

// Writes the partition table (all four entries, unused ones zeroed) and the 55 aa signature into
// sector0 (512 bytes). Boot code and the region record, bytes 0..0x1bd, are left as the caller put
// them (copied from boot.img, or zeros). Fails if an LBA or count does not fit in 32 bits.
Error write_partition_table(MutableBytes sector0, const Layout& layout);

// One decoded partition entry.
struct Partition {
    uint8_t status = 0;
    uint8_t type = 0;
    uint32_t first_lba = 0;
    uint32_t sectors = 0;
    uint64_t byte_offset() const { return uint64_t(first_lba) * kSectorSize; }
    uint64_t byte_size() const { return uint64_t(sectors) * kSectorSize; }
};

// What a reader (the kernel) learns from sector 0 of a disk (1.2, 1.4).
struct BootDisk {
    Partition entries[kPartitionCount];
    bool has_esp = false; // entry 0 has type ef; roles shift by one
    Partition boot_fs;    // by position, as stage2 and the kernel find it
    Partition root_fs;    // by position
    uint64_t root_fs_offset = 0;
    uint64_t root_fs_bytes = 0; // disk size - root offset: the kernel ignores the entry's count
    uint64_t klog_offset = 0;   // the 4 KiB ending at the start of entry 0
};

// Parses sector 0 of a disk of disk_bytes. Error::no_signature means "not a boot disk": probe it as
// a TFS volume instead. Roles are positional; types and active flags are not checked (like Nanos).
Error parse_boot_disk(Bytes sector0, uint64_t disk_bytes, BootDisk* out);

} // namespace disk
