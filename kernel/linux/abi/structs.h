// structs.h: Linux x86-64 ABI structures the syscalls copy in and out, checked against the
// kernel's layout ([linux] arch/x86/include/uapi/asm/stat.h, include/uapi/linux/*.h).
#pragma once

#include "lib/types.h"
#include <cstddef>

struct IoVector {
    u64 base;
    u64 length;
};
static_assert(sizeof(IoVector) == 16);

struct LinuxTimespec {
    i64 seconds;
    i64 nanoseconds;
};
static_assert(sizeof(LinuxTimespec) == 16);

struct LinuxTimeval {
    i64 seconds;
    i64 microseconds;
};

struct LinuxStat {
    u64 st_dev;
    u64 st_ino;
    u64 st_nlink;
    u32 st_mode;
    u32 st_uid;
    u32 st_gid;
    u32 pad0;
    u64 st_rdev;
    i64 st_size;
    i64 st_blksize;
    i64 st_blocks;
    LinuxTimespec st_atim;
    LinuxTimespec st_mtim;
    LinuxTimespec st_ctim;
    i64 reserved[3];
};
static_assert(sizeof(LinuxStat) == 144);
static_assert(offsetof(LinuxStat, st_size) == 48);
static_assert(offsetof(LinuxStat, st_mtim) == 88);

struct LinuxStatxTimestamp {
    i64 tv_sec;
    u32 tv_nsec;
    i32 reserved;
};

struct LinuxStatx {
    u32 stx_mask;
    u32 stx_blksize;
    u64 stx_attributes;
    u32 stx_nlink;
    u32 stx_uid;
    u32 stx_gid;
    u16 stx_mode;
    u16 pad1;
    u64 stx_ino;
    u64 stx_size;
    u64 stx_blocks;
    u64 stx_attributes_mask;
    LinuxStatxTimestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    u32 stx_rdev_major, stx_rdev_minor;
    u32 stx_dev_major, stx_dev_minor;
    u64 spare[14];
};
static_assert(sizeof(LinuxStatx) == 256);
static_assert(offsetof(LinuxStatx, stx_ino) == 32);
static_assert(offsetof(LinuxStatx, stx_atime) == 64);

struct LinuxUtsname {
    char sysname[65];
    char nodename[65];
    char release[65];
    char version[65];
    char machine[65];
    char domainname[65];
};
static_assert(sizeof(LinuxUtsname) == 390);

struct LinuxRlimit {
    u64 current;
    u64 maximum;
};

struct LinuxWinsize {
    u16 rows, columns, x_pixels, y_pixels;
};

struct LinuxTermios {
    u32 c_iflag, c_oflag, c_cflag, c_lflag;
    u8 c_line;
    u8 c_cc[19];
};
static_assert(sizeof(LinuxTermios) == 36);

struct LinuxDirent64Header {
    u64 d_ino;
    i64 d_off;
    u16 d_reclen;
    u8 d_type;
};

namespace linux_flags {
constexpr int O_ACCMODE = 3;
constexpr int O_WRONLY = 1;
constexpr int O_RDWR = 2;
constexpr int O_CREAT = 0100;
constexpr int O_EXCL = 0200;
constexpr int O_NOCTTY = 0400;
constexpr int O_TRUNC = 01000;
constexpr int O_APPEND = 02000;
constexpr int O_NONBLOCK = 04000;
constexpr int O_DIRECTORY = 0200000;
constexpr int O_NOFOLLOW = 0400000;
constexpr int O_CLOEXEC = 02000000;
constexpr int O_PATH = 010000000;
constexpr int O_TMPFILE = 020000000 | O_DIRECTORY;
constexpr int AT_FDCWD = -100;
constexpr int AT_SYMLINK_NOFOLLOW = 0x100;
constexpr int AT_EMPTY_PATH = 0x1000;
constexpr u32 S_IFREG = 0100000;
constexpr u32 S_IFDIR = 0040000;
constexpr u32 S_IFLNK = 0120000;
constexpr u32 S_IFCHR = 0020000;
} // namespace linux_flags
