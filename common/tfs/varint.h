// varint.h: TFS primitive encodings (tfs.md 3): big-endian base-128 varints, the value header of
// versions 5 and 4, and a bounds-checked cursor over a byte buffer. No allocation.
#pragma once

#include "common/base/span.h"
#include "common/tfs/error.h"
#include "common/tfs/format.h"

#include <cstddef>
#include <cstdint>

namespace tfs {

using common::Bytes;
using common::MutableBytes;

constexpr size_t kMaxVarintBytes = 10; // a u64 needs at most 10 groups of 7 bits
constexpr size_t kMaxHeaderBytes = 11; // one header byte plus up to 10 continuation bytes

// Writes the shortest varint of v into out (at least kMaxVarintBytes long); returns its length.
size_t encode_varint(uint64_t v, uint8_t* out);
size_t varint_size(uint64_t v);

// A decoded value header (3.2). type is the v5 type code; version-4 headers are mapped onto it
// (v4 type 0 -> buffer, 1 -> tuple).
struct Header {
    bool immediate = false;
    TypeCode type = TypeCode::buffer;
    uint64_t length = 0;
};

// Writes the shortest v5 header into out (at least kMaxHeaderBytes long); returns its length.
size_t encode_header(bool immediate, TypeCode type, uint64_t length, uint8_t* out);

// Bounds-checked reading of a byte buffer. Every read fails (returns false) rather than running
// past the end; nothing is consumed on failure of a fixed-size read.
class ByteReader {
  public:
    explicit ByteReader(Bytes data) : m_data(data) {}

    size_t position() const { return m_position; }
    size_t remaining() const { return m_data.size() - m_position; }
    bool at_end() const { return m_position == m_data.size(); }

    bool read_u8(uint8_t* out);
    // Rejects more than kMaxVarintBytes bytes and values that overflow 64 bits.
    bool read_varint(uint64_t* out);
    bool read_bytes(size_t count, Bytes* out);
    // version is 5 or 4 (the extension's version). Rejects type codes 5..7.
    Error read_header(uint64_t version, Header* out);

  private:
    Bytes m_data;
    size_t m_position = 0;
};

// Parses a decimal number with no sign, no leading zeros (except "0") and no overflow.
bool parse_decimal(Bytes text, uint64_t* out);
// Writes v in decimal into out (at least 20 bytes); returns its length.
size_t format_decimal(uint64_t v, uint8_t* out);

} // namespace tfs
