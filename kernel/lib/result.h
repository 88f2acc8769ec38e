// result.h: Result<T> (a value or an Errno) and the TRY/MUST macros every fallible kernel
// function uses. Only the syscall entry turns an Errno into -errno.
#pragma once

#include "lib/errno.h"
#include "lib/panic.h"
#include <utility>

template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : m_value(std::move(value)), m_error(Errno(0)) {}
    Result(Errno e) : m_value(), m_error(e) {}

    bool is_error() const { return int(m_error) != 0; }
    Errno error() const { return m_error; }
    T& value() { return m_value; }
    const T& value() const { return m_value; }
    T release_value() { return std::move(m_value); }

  private:
    T m_value;
    Errno m_error;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() : m_error(Errno(0)) {}
    Result(Errno e) : m_error(e) {}
    bool is_error() const { return int(m_error) != 0; }
    Errno error() const { return m_error; }
    void release_value() {}

  private:
    Errno m_error;
};

#define TRY(expr)                                                                                  \
    ({                                                                                             \
        auto _try_result = (expr);                                                                 \
        if (_try_result.is_error()) [[unlikely]]                                                   \
            return _try_result.error();                                                            \
        _try_result.release_value();                                                               \
    })

#define MUST(expr)                                                                                 \
    ({                                                                                             \
        auto _must_result = (expr);                                                                \
        if (_must_result.is_error()) [[unlikely]]                                                  \
            panic("MUST failed: %s", #expr);                                                       \
        _must_result.release_value();                                                              \
    })
