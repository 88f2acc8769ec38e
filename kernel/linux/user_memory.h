// user_memory.h: the only way syscall handlers reach user memory. UserIn<T>/UserOut<T> hold an
// address as an integer; copies check the range (null, wrap-around, the upper half) and turn a
// fault into EFAULT (the fixups in arch/x86_64/user_copy.S).
#pragma once

#include "lib/result.h"
#include "mm/layout.h"
#include <type_traits>

extern "C" u64 user_copy_bytes(void* dst, const void* src, u64 n);
extern "C" i64 user_string_length(const char* s, u64 max);
extern "C" u64 user_fill_bytes(void* dst, int c, u64 n);

inline bool user_range_ok(u64 address, u64 length) {
    if (address == 0 && length != 0)
        return false;
    u64 end = address + length;
    return end >= address && end <= USER_END;
}

template <typename T>
class UserIn {
  public:
    explicit UserIn(u64 address) : m_address(address) {}
    u64 address() const { return m_address; }
    bool is_null() const { return m_address == 0; }
    UserIn offset(u64 count) const { return UserIn(m_address + count * sizeof(T)); }

  private:
    u64 m_address;
};

template <typename T>
class UserOut {
  public:
    explicit UserOut(u64 address) : m_address(address) {}
    u64 address() const { return m_address; }
    bool is_null() const { return m_address == 0; }
    UserOut offset(u64 count) const { return UserOut(m_address + count * sizeof(T)); }

  private:
    u64 m_address;
};

template <typename T>
[[nodiscard]] Result<void> copy_from_user(T* dst, UserIn<T> src) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!user_range_ok(src.address(), sizeof(T)) ||
        user_copy_bytes(dst, reinterpret_cast<const void*>(src.address()), sizeof(T)))
        return Errno::EFAULT;
    return {};
}

template <typename T>
[[nodiscard]] Result<void> copy_to_user(UserOut<T> dst, const T* src) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!user_range_ok(dst.address(), sizeof(T)) ||
        user_copy_bytes(reinterpret_cast<void*>(dst.address()), src, sizeof(T)))
        return Errno::EFAULT;
    return {};
}

template <typename T>
[[nodiscard]] Result<void> copy_array_from_user(T* dst, UserIn<T> src, u64 count) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (count > USER_END / sizeof(T))
        return Errno::EFAULT;
    if (!user_range_ok(src.address(), count * sizeof(T)) ||
        user_copy_bytes(dst, reinterpret_cast<const void*>(src.address()), count * sizeof(T)))
        return Errno::EFAULT;
    return {};
}

template <typename T>
[[nodiscard]] Result<void> copy_array_to_user(UserOut<T> dst, const T* src, u64 count) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (count > USER_END / sizeof(T))
        return Errno::EFAULT;
    if (!user_range_ok(dst.address(), count * sizeof(T)) ||
        user_copy_bytes(reinterpret_cast<void*>(dst.address()), src, count * sizeof(T)))
        return Errno::EFAULT;
    return {};
}

// Copies a NUL-terminated string of at most max-1 bytes into buffer (max bytes).
// ENAMETOOLONG when longer, EFAULT on a bad pointer.
[[nodiscard]] inline Result<size_t> copy_string_from_user(char* buffer, UserIn<char> src, u64 max) {
    if (src.is_null() || src.address() >= USER_END)
        return Errno::EFAULT;
    u64 limit = min(max, USER_END - src.address());
    i64 length = user_string_length(reinterpret_cast<const char*>(src.address()), limit);
    if (length < 0)
        return Errno::EFAULT;
    if (u64(length) >= max)
        return Errno::ENAMETOOLONG;
    if (u64(length) == limit)
        return Errno::EFAULT; // ran into the end of user space
    if (user_copy_bytes(buffer, reinterpret_cast<const void*>(src.address()), u64(length)))
        return Errno::EFAULT;
    buffer[length] = 0;
    return size_t(length);
}
