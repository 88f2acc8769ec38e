// flock.h: struct flock and the record-lock constants of fcntl ([linux]
// include/uapi/asm-generic/fcntl.h), x86-64 layout.
#pragma once

#include "lib/types.h"

#include <stddef.h>

struct LinuxFlock {
    i16 l_type;
    i16 l_whence;
    i64 l_start;
    i64 l_len;
    i32 l_pid;
};
static_assert(sizeof(LinuxFlock) == 32);
static_assert(offsetof(LinuxFlock, l_start) == 8);
static_assert(offsetof(LinuxFlock, l_pid) == 24);

namespace flock_abi {
constexpr int F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7;
constexpr int F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
constexpr i16 F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
} // namespace flock_abi
