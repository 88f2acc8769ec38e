// Tests for ops/config/size.cpp: memory and volume size strings.
#include "ops/config/size.h"

#include <gtest/gtest.h>

namespace ops {
namespace {

TEST(Size, MemoryUnits) {
    EXPECT_EQ(parse_memory_mib("2G"), 2048u);
    EXPECT_EQ(parse_memory_mib("2g"), 2048u);
    EXPECT_EQ(parse_memory_mib("512M"), 512u);
    EXPECT_EQ(parse_memory_mib("512MB"), 512u);
    EXPECT_EQ(parse_memory_mib("512MiB"), 512u);
    EXPECT_EQ(parse_memory_mib("256"), 256u);  // bare numbers are MiB, as for QEMU's -m
    EXPECT_EQ(parse_memory_mib("1.5G"), 1536u);
    EXPECT_EQ(parse_memory_mib("65536K"), 64u);
    EXPECT_EQ(parse_memory_mib("1T"), 1024u * 1024u);
    EXPECT_EQ(parse_memory_mib("16777217B"), 17u);  // rounded up to whole MiB
}

TEST(Size, MemoryErrors) {
    for (const char* bad : {"", "G", "2X", "2GG", "-1G", "1.G", " 2G", "2G ", "8M", "2000T",
                            "99999999999999999999", "0"})
        EXPECT_THROW(parse_memory_mib(bad), std::invalid_argument) << bad;
}

TEST(Size, VolumeSizes) {
    EXPECT_EQ(parse_size("100m", BareNumberUnit::Bytes), 100u * kMiB);
    EXPECT_EQ(parse_size("1g", BareNumberUnit::Bytes), 1024u * kMiB);
    EXPECT_EQ(parse_size("4096", BareNumberUnit::Bytes), 4096u);
    EXPECT_EQ(parse_size("1k", BareNumberUnit::Bytes), 1024u);
    EXPECT_THROW(parse_size("17179869184G", BareNumberUnit::Bytes), std::invalid_argument);
}

} // namespace
} // namespace ops
