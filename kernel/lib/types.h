// types.h: fixed-width integer names used throughout the kernel.
#pragma once

#include <cstddef>
#include <cstdint>

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using i8 = int8_t;
using i16 = int16_t;
using i32 = int32_t;
using i64 = int64_t;
using uptr = uintptr_t;

constexpr u64 KiB = 1024;
constexpr u64 MiB = 1024 * KiB;
constexpr u64 GiB = 1024 * MiB;

constexpr u64 align_down(u64 v, u64 a) { return v & ~(a - 1); }
constexpr u64 align_up(u64 v, u64 a) { return (v + a - 1) & ~(a - 1); }

template <typename T>
constexpr T min(T a, T b) { return a < b ? a : b; }
template <typename T>
constexpr T max(T a, T b) { return a > b ? a : b; }
