// file_structs.h: Linux x86-64 ABI structures and flags of the calls that change files
// (statfs, utimes, unlinkat, renameat2, fallocate), checked against [linux]
// include/uapi/asm-generic/statfs.h and include/uapi/linux/fcntl.h, falloc.h.
#pragma once

#include "lib/types.h"
#include <cstddef>

struct LinuxStatfs {
    i64 f_type;
    i64 f_bsize;
    u64 f_blocks;
    u64 f_bfree;
    u64 f_bavail;
    u64 f_files;
    u64 f_ffree;
    i32 f_fsid[2];
    i64 f_namelen;
    i64 f_frsize;
    i64 f_flags;
    i64 f_spare[4];
};
static_assert(sizeof(LinuxStatfs) == 120);
static_assert(offsetof(LinuxStatfs, f_namelen) == 64);

namespace linux_file_flags {
constexpr int O_DIRECT = 040000;
constexpr int AT_REMOVEDIR = 0x200;
constexpr int AT_SYMLINK_FOLLOW = 0x400;
constexpr u32 RENAME_WHITEOUT = 4;
constexpr int FALLOC_FL_KEEP_SIZE = 1;
constexpr i64 UTIME_NOW = (1l << 30) - 1;
constexpr i64 UTIME_OMIT = (1l << 30) - 2;
constexpr i64 ST_RDONLY = 1;
constexpr i64 NAME_MAX = 255;
} // namespace linux_file_flags
