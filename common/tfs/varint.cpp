// varint.cpp: varints, value headers and ByteReader (tfs.md 3). The decoders reject every form
// that would overflow 64 bits so a corrupt log can never produce a wrapped length.
#include "common/tfs/varint.h"

namespace tfs {

size_t varint_size(uint64_t v) {
    size_t n = 1;
    while (v >>= 7)
        n++;
    return n;
}

size_t encode_varint(uint64_t v, uint8_t* out) {
    size_t n = varint_size(v);
    for (size_t i = 0; i < n; i++) {
        uint8_t group = uint8_t((v >> (7 * (n - 1 - i))) & 0x7f);
        out[i] = i + 1 < n ? uint8_t(group | 0x80) : group;
    }
    return n;
}

size_t encode_header(bool immediate, TypeCode type, uint64_t length, uint8_t* out) {
    uint8_t first = uint8_t((immediate ? 0x80 : 0) | (uint8_t(type) << 4));
    if (length < 8) {
        out[0] = uint8_t(first | length);
        return 1;
    }
    size_t bits = 0;
    for (uint64_t v = length; v; v >>= 1)
        bits++;
    size_t w = (bits - 3 + 6) / 7;
    out[0] = uint8_t(first | 0x08 | (length >> (7 * w)));
    for (size_t i = 0; i < w; i++) {
        uint8_t group = uint8_t((length >> (7 * (w - 1 - i))) & 0x7f);
        out[1 + i] = i + 1 < w ? uint8_t(group | 0x80) : group;
    }
    return 1 + w;
}

bool ByteReader::read_u8(uint8_t* out) {
    if (m_position >= m_data.size())
        return false;
    *out = m_data[m_position++];
    return true;
}

// Shared by varints and header continuations: v starts at `initial` and takes 7 bits per byte.
static bool read_groups(ByteReader& reader, uint64_t initial, uint64_t* out) {
    uint64_t v = initial;
    for (size_t i = 0; i < kMaxVarintBytes; i++) {
        uint8_t b;
        if (!reader.read_u8(&b))
            return false;
        if (v >> 57)
            return false; // the shift would drop bits
        v = (v << 7) | (b & 0x7f);
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

bool ByteReader::read_varint(uint64_t* out) {
    return read_groups(*this, 0, out);
}

bool ByteReader::read_bytes(size_t count, Bytes* out) {
    if (count > remaining())
        return false;
    *out = m_data.slice(m_position, count);
    m_position += count;
    return true;
}

Error ByteReader::read_header(uint64_t version, Header* out) {
    uint8_t b;
    if (!read_u8(&b))
        return Error::truncated;
    Header h;
    h.immediate = (b & 0x80) != 0;
    bool extended;
    uint64_t low;
    if (version == kVersion4) {
        h.type = (b & 0x40) ? TypeCode::tuple : TypeCode::buffer;
        extended = (b & 0x20) != 0;
        low = b & 0x1f;
    } else {
        uint8_t type = (b >> 4) & 7;
        if (type > uint8_t(TypeCode::string))
            return Error::corrupt;
        h.type = TypeCode(type);
        extended = (b & 0x08) != 0;
        low = b & 0x07;
    }
    h.length = low;
    if (extended && !read_groups(*this, low, &h.length))
        return Error::truncated;
    *out = h;
    return Error::none;
}

bool parse_decimal(Bytes text, uint64_t* out) {
    if (text.empty() || text.size() > 20 || (text.size() > 1 && text[0] == '0'))
        return false;
    uint64_t v = 0;
    for (uint8_t c : text) {
        if (c < '0' || c > '9')
            return false;
        uint64_t digit = c - '0';
        if (v > (UINT64_MAX - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    *out = v;
    return true;
}

size_t format_decimal(uint64_t v, uint8_t* out) {
    uint8_t tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = uint8_t('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

} // namespace tfs
