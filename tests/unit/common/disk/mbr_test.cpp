// mbr_test.cpp: partitioned-image layout and partition table bytes (tfs.md 1.1-1.7): vector d's
// MBR reproduced byte for byte, the UEFI table of 1.6, ops-style images, the CHS quirk, parsing.
#include "common/disk/mbr.h"
#include "tests/unit/common/tfs/tfs_test_support.h"

#include <gtest/gtest.h>

#include <vector>

using namespace tfs_test;

namespace {

std::vector<uint8_t> chs(uint64_t offset) {
    uint8_t out[3];
    disk::chs_of(offset, out);
    return std::vector<uint8_t>(out, out + 3);
}

TEST(Mbr, ChsFormulaAndQuirk) {
    EXPECT_EQ(chs(103 * 512), std::vector<uint8_t>({0x01, 0x29, 0x00}));
    EXPECT_EQ(chs(24678 * 512), std::vector<uint8_t>({0x88, 0x2e, 0x01}));
    EXPECT_EQ(chs(29798 * 512), std::vector<uint8_t>({0xd9, 0x3f, 0x01}));
    // Cylinder 300: bits 8..9 go into the low bits of byte 1 (quirk), not bits 6..7.
    uint64_t s = 300ull * 255 * 63;
    EXPECT_EQ(chs(s * 512), std::vector<uint8_t>({0x00, 0x01 | 0x01, 0x2c}));
    // 8 GiB and beyond clamp to fe 3f ff.
    EXPECT_EQ(chs(8ull << 30), std::vector<uint8_t>({0xfe, 0x3f, 0xff}));
}

TEST(Mbr, ReproducesVectorD) {
    const std::vector<uint8_t>& image = vector_image("d-disk");
    uint64_t stage2 = disk::stage2_length(common::Bytes(image.data(), 512));
    ASSERT_EQ(stage2, 48128u);
    disk::Layout l = disk::compute_layout(stage2, 5120 * 512);
    EXPECT_EQ(l.klog_offset, 48640u);
    EXPECT_EQ(l.boot_fs_offset, 103u * 512);
    EXPECT_EQ(l.root_fs_offset, 24679u * 512);
    EXPECT_EQ(l.image_bytes, image.size());
    // Keep the boot image bytes (zeros and the region record), then write the table.
    std::vector<uint8_t> sector(image.begin(), image.begin() + 512);
    std::fill(sector.begin() + 0x1be, sector.end(), 0);
    ASSERT_EQ(disk::write_partition_table(common::MutableBytes(sector.data(), 512), l),
              disk::Error::none);
    EXPECT_EQ(sector, std::vector<uint8_t>(image.begin(), image.begin() + 512));
}

TEST(Mbr, UefiTableFromSpec) {
    disk::Layout l = disk::compute_layout(48128, 5120 * 512, disk::Esp::present);
    std::vector<uint8_t> sector(512, 0);
    ASSERT_EQ(disk::write_partition_table(common::MutableBytes(sector.data(), 512), l),
              disk::Error::none);
    const std::vector<uint8_t> want = {0x80, 0x01, 0x29, 0x00, 0xef, 0x36, 0x19, 0x04, 0x67, 0x00,
                                       0x00, 0x00, 0x00, 0x08, 0x01, 0x00, 0x80, 0x36, 0x1a, 0x04,
                                       0x83, 0xbd, 0x1f, 0x05, 0x67, 0x08, 0x01, 0x00, 0x00, 0x60,
                                       0x00, 0x00, 0x80, 0xbd, 0x20, 0x05, 0x83, 0x0f, 0x30, 0x06,
                                       0x67, 0x68, 0x01, 0x00, 0x00, 0x14, 0x00, 0x00};
    EXPECT_EQ(std::vector<uint8_t>(sector.begin() + 0x1be, sector.begin() + 0x1be + 48), want);
    disk::BootDisk boot;
    ASSERT_EQ(disk::parse_boot_disk(common::Bytes(sector.data(), 512), l.image_bytes, &boot),
              disk::Error::none);
    EXPECT_TRUE(boot.has_esp);
    EXPECT_EQ(boot.boot_fs.first_lba, 67687u);
    EXPECT_EQ(boot.root_fs_offset, 92263u * 512);
    EXPECT_EQ(boot.klog_offset, 103u * 512 - 4096);
}

TEST(Mbr, OpsStyleWithoutStage2) {
    // No boot image: a bare MBR, no stage2, boot FS at LBA 9 (tfs.md 1.1).
    std::vector<uint8_t> sector(512, 0);
    EXPECT_EQ(disk::stage2_length(common::Bytes(sector.data(), 512)), 0u);
    disk::Layout l = disk::compute_layout(0, 3 * 1024 * 1024 + 1);
    EXPECT_EQ(l.boot_fs_offset, 9u * 512);
    EXPECT_EQ(l.root_fs_offset, 9u * 512 + (12u << 20));
    EXPECT_EQ(l.root_fs_bytes, 3u * 1024 * 1024 + 512); // whole sectors
    ASSERT_EQ(disk::write_partition_table(common::MutableBytes(sector.data(), 512), l),
              disk::Error::none);
    EXPECT_EQ(sector[510], 0x55);
    EXPECT_EQ(sector[511], 0xaa);
    // The kernel's view: the root FS runs to the end of the (possibly grown) disk file.
    disk::BootDisk boot;
    ASSERT_EQ(disk::parse_boot_disk(common::Bytes(sector.data(), 512), l.image_bytes + 4096, &boot),
              disk::Error::none);
    EXPECT_FALSE(boot.has_esp);
    EXPECT_EQ(boot.boot_fs.byte_offset(), l.boot_fs_offset);
    EXPECT_EQ(boot.boot_fs.byte_size(), disk::kBootFsBytes);
    EXPECT_EQ(boot.root_fs_offset, l.root_fs_offset);
    EXPECT_EQ(boot.root_fs_bytes, l.root_fs_bytes + 4096);
    EXPECT_EQ(boot.entries[1].sectors, l.root_fs_bytes / 512);
    EXPECT_EQ(boot.klog_offset, 512u);
}

TEST(Mbr, ParseErrors) {
    std::vector<uint8_t> sector(512, 0);
    disk::BootDisk boot;
    EXPECT_EQ(disk::parse_boot_disk(common::Bytes(sector.data(), 512), 1 << 20, &boot),
              disk::Error::no_signature);
    EXPECT_EQ(disk::parse_boot_disk(common::Bytes(sector.data(), 100), 1 << 20, &boot),
              disk::Error::truncated);
    sector[510] = 0x55;
    sector[511] = 0xaa;
    // Signature but empty root entry.
    EXPECT_EQ(disk::parse_boot_disk(common::Bytes(sector.data(), 512), 1 << 20, &boot),
              disk::Error::out_of_range);
    disk::Layout l = disk::compute_layout(0, 1 << 20);
    ASSERT_EQ(disk::write_partition_table(common::MutableBytes(sector.data(), 512), l),
              disk::Error::none);
    // A disk shorter than the root offset.
    EXPECT_EQ(disk::parse_boot_disk(common::Bytes(sector.data(), 512), l.root_fs_offset, &boot),
              disk::Error::out_of_range);
    // A region record with another type means "no stage2".
    sector[0x1ba] = 11;
    sector[0x1b2] = 0x10;
    EXPECT_EQ(disk::stage2_length(common::Bytes(sector.data(), 512)), 0u);
    // LBAs that do not fit 32 bits.
    disk::Layout huge = disk::compute_layout(0, 3ull << 40);
    EXPECT_EQ(disk::write_partition_table(common::MutableBytes(sector.data(), 512), huge),
              disk::Error::out_of_range);
}

} // namespace
