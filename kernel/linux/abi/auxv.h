// auxv.h: auxiliary vector tags ([linux] include/uapi/linux/auxvec.h).
#pragma once

namespace auxv {
constexpr unsigned long NULL_ = 0;
constexpr unsigned long PHDR = 3;
constexpr unsigned long PHENT = 4;
constexpr unsigned long PHNUM = 5;
constexpr unsigned long PAGESZ = 6;
constexpr unsigned long BASE = 7;
constexpr unsigned long FLAGS = 8;
constexpr unsigned long ENTRY = 9;
constexpr unsigned long UID = 11;
constexpr unsigned long EUID = 12;
constexpr unsigned long GID = 13;
constexpr unsigned long EGID = 14;
constexpr unsigned long PLATFORM = 15;
constexpr unsigned long HWCAP = 16;
constexpr unsigned long CLKTCK = 17;
constexpr unsigned long SECURE = 23;
constexpr unsigned long RANDOM = 25;
constexpr unsigned long HWCAP2 = 26;
constexpr unsigned long EXECFN = 31;
constexpr unsigned long SYSINFO_EHDR = 33;
} // namespace auxv
