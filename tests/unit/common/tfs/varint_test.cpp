// varint_test.cpp: the varint and value-header tables of tfs.md 3.1 and 3.2, both directions,
// plus decimal parsing and rejection of overlong or overflowing encodings.
#include "common/tfs/varint.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

std::vector<uint8_t> varint(uint64_t v) {
    uint8_t buf[tfs::kMaxVarintBytes];
    return std::vector<uint8_t>(buf, buf + tfs::encode_varint(v, buf));
}

TEST(Varint, SpecTable) {
    const std::vector<std::pair<uint64_t, std::vector<uint8_t>>> table = {
        {0, {0x00}},
        {5, {0x05}},
        {127, {0x7f}},
        {128, {0x81, 0x00}},
        {1024, {0x88, 0x00}},
        {1025, {0x88, 0x01}},
        {3073, {0x98, 0x01}},
        {16384, {0x81, 0x80, 0x00}},
        {551244, {0xa1, 0xd2, 0x4c}},
    };
    for (const auto& [value, encoded] : table) {
        EXPECT_EQ(varint(value), encoded) << value;
        EXPECT_EQ(tfs::varint_size(value), encoded.size());
        tfs::ByteReader reader(common::Bytes(encoded.data(), encoded.size()));
        uint64_t decoded = 1;
        ASSERT_TRUE(reader.read_varint(&decoded));
        EXPECT_EQ(decoded, value);
        EXPECT_TRUE(reader.at_end());
    }
}

TEST(Varint, RoundTripsExtremes) {
    for (uint64_t v : {uint64_t(0), uint64_t(1) << 63, UINT64_MAX, uint64_t(7711161133832933756)}) {
        std::vector<uint8_t> e = varint(v);
        EXPECT_LE(e.size(), tfs::kMaxVarintBytes);
        tfs::ByteReader reader(common::Bytes(e.data(), e.size()));
        uint64_t d;
        ASSERT_TRUE(reader.read_varint(&d));
        EXPECT_EQ(d, v);
    }
}

TEST(Varint, RejectsTruncatedAndOverflowing) {
    const uint8_t truncated[] = {0x81, 0x80};
    tfs::ByteReader r1(truncated);
    uint64_t v;
    EXPECT_FALSE(r1.read_varint(&v));
    // 11 continuation bytes: longer than any u64.
    std::vector<uint8_t> long_form(11, 0x80);
    long_form.back() = 0x01;
    tfs::ByteReader r2(common::Bytes(long_form.data(), long_form.size()));
    EXPECT_FALSE(r2.read_varint(&v));
    // Ten bytes whose first group has more than one bit: overflows 64 bits.
    std::vector<uint8_t> overflow(10, 0xff);
    overflow.back() = 0x7f;
    tfs::ByteReader r3(common::Bytes(overflow.data(), overflow.size()));
    EXPECT_FALSE(r3.read_varint(&v));
}

struct HeaderCase {
    bool immediate;
    tfs::TypeCode type;
    uint64_t length;
    std::vector<uint8_t> bytes;
};

TEST(Header, SpecTable) {
    const std::vector<HeaderCase> table = {
        {true, tfs::TypeCode::tuple, 4, {0x94}},
        {true, tfs::TypeCode::tuple, 10, {0x98, 0x0a}},
        {true, tfs::TypeCode::buffer, 8, {0x88, 0x08}},
        {false, tfs::TypeCode::buffer, 4, {0x04}},
        {false, tfs::TypeCode::buffer, 58, {0x08, 0x3a}},
        {false, tfs::TypeCode::buffer, 136, {0x09, 0x08}},
        {true, tfs::TypeCode::string, 23, {0xc8, 0x17}},
        {true, tfs::TypeCode::string, 600000, {0xc8, 0xa4, 0xcf, 0x40}},
        {true, tfs::TypeCode::tuple, 2600, {0x98, 0x94, 0x28}},
        {false, tfs::TypeCode::tuple, 1, {0x11}},
        {true, tfs::TypeCode::integer, 0, {0xb0}},
        {true, tfs::TypeCode::integer, 1, {0xb1}},
    };
    for (const HeaderCase& c : table) {
        uint8_t buf[tfs::kMaxHeaderBytes];
        size_t n = tfs::encode_header(c.immediate, c.type, c.length, buf);
        EXPECT_EQ(std::vector<uint8_t>(buf, buf + n), c.bytes) << c.length;
        tfs::ByteReader reader(common::Bytes(c.bytes.data(), c.bytes.size()));
        tfs::Header h;
        ASSERT_EQ(reader.read_header(tfs::kVersion, &h), tfs::Error::none);
        EXPECT_EQ(h.immediate, c.immediate);
        EXPECT_EQ(h.type, c.type);
        EXPECT_EQ(h.length, c.length);
        EXPECT_TRUE(reader.at_end());
    }
}

TEST(Header, RejectsBadTypes) {
    for (uint8_t b : {0xd0, 0xe0, 0xf5, 0x50}) {
        tfs::ByteReader reader(common::Bytes(&b, 1));
        tfs::Header h;
        EXPECT_EQ(reader.read_header(tfs::kVersion, &h), tfs::Error::corrupt) << int(b);
    }
    const uint8_t truncated[] = {0xc8, 0x81};
    tfs::ByteReader reader(truncated);
    tfs::Header h;
    EXPECT_EQ(reader.read_header(tfs::kVersion, &h), tfs::Error::truncated);
}

TEST(Header, Version4Layout) {
    // v4: bit 7 I, bit 6 tuple, bit 5 X, bits 4..0 length.
    const uint8_t tuple3[] = {0xc3};
    tfs::ByteReader r1(tuple3);
    tfs::Header h;
    ASSERT_EQ(r1.read_header(tfs::kVersion4, &h), tfs::Error::none);
    EXPECT_TRUE(h.immediate);
    EXPECT_EQ(h.type, tfs::TypeCode::tuple);
    EXPECT_EQ(h.length, 3u);
    const uint8_t buffer40[] = {0xa0, 0x28}; // immediate buffer, X, L=0, then 40
    tfs::ByteReader r2(buffer40);
    ASSERT_EQ(r2.read_header(tfs::kVersion4, &h), tfs::Error::none);
    EXPECT_EQ(h.type, tfs::TypeCode::buffer);
    EXPECT_EQ(h.length, 40u);
}

TEST(Decimal, ParseAndFormat) {
    uint64_t v;
    auto parse = [&](const char* s) { return tfs::parse_decimal(common::bytes_of(s), &v); };
    EXPECT_TRUE(parse("0"));
    EXPECT_EQ(v, 0u);
    EXPECT_TRUE(parse("28025"));
    EXPECT_EQ(v, 28025u);
    EXPECT_TRUE(parse("18446744073709551615"));
    EXPECT_EQ(v, UINT64_MAX);
    EXPECT_FALSE(parse("18446744073709551616"));
    EXPECT_FALSE(parse(""));
    EXPECT_FALSE(parse("01"));
    EXPECT_FALSE(parse("-1"));
    EXPECT_FALSE(parse("1a"));
    uint8_t buf[20];
    EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), tfs::format_decimal(3073, buf)), "3073");
    EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), tfs::format_decimal(0, buf)), "0");
}

} // namespace
