// time_values.h: checked conversions of the Linux time structures the syscalls receive. One
// place decides what is a valid timespec (0 <= tv_nsec < 1e9, tv_sec >= 0) and how large
// values saturate, so every call rejects the same inputs with EINVAL.
#pragma once

#include "lib/result.h"
#include "linux/abi/structs.h"
#include "linux/user_memory.h"

constexpr u64 NS_PER_SECOND = 1000000000;

// Nanoseconds in a timespec; EINVAL when malformed; saturates at ~0 instead of overflowing.
Result<u64> timespec_ns(const LinuxTimespec& t);
// Copies a timespec in and converts it.
Result<u64> copy_timespec_ns(UserIn<LinuxTimespec> user);
// now + ns, saturating: a timeout of centuries must not wrap into the past.
u64 deadline_after(u64 now_ns, u64 ns);
// Both halves of an itimerspec must be valid.
Result<void> check_itimerspec(const LinuxTimespec& interval, const LinuxTimespec& value);
