// span.h: a pointer plus a length, the only way common/ code takes or returns bytes.
// std::span is not in the freestanding subset we allow, so this is our own (tiny) one.
#pragma once

#include <cstddef>
#include <cstdint>

namespace common {

template <typename T>
class Span {
  public:
    constexpr Span() = default;
    constexpr Span(T* data, size_t size) : m_data(data), m_size(size) {}
    template <size_t N>
    constexpr Span(T (&array)[N]) : m_data(array), m_size(N) {}
    // A Span<const T> can be made from a Span<T>.
    template <typename U>
    constexpr Span(Span<U> other) : m_data(other.data()), m_size(other.size()) {}

    constexpr T* data() const { return m_data; }
    constexpr size_t size() const { return m_size; }
    constexpr bool empty() const { return m_size == 0; }
    constexpr T& operator[](size_t i) const { return m_data[i]; }
    constexpr T* begin() const { return m_data; }
    constexpr T* end() const { return m_data + m_size; }

    // Sub-range [offset, offset+count), clamped to the span so it never reads out of bounds.
    constexpr Span slice(size_t offset, size_t count = SIZE_MAX) const {
        if (offset > m_size)
            offset = m_size;
        if (count > m_size - offset)
            count = m_size - offset;
        return Span(m_data + offset, count);
    }

  private:
    T* m_data = nullptr;
    size_t m_size = 0;
};

using Bytes = Span<const uint8_t>;
using MutableBytes = Span<uint8_t>;

// Equality of two byte ranges (memcmp without libc).
inline bool bytes_equal(Bytes a, Bytes b) {
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); i++)
        if (a[i] != b[i])
            return false;
    return true;
}

inline Bytes bytes_of(const char* s) {
    size_t n = 0;
    while (s[n])
        n++;
    return Bytes(reinterpret_cast<const uint8_t*>(s), n);
}

} // namespace common
