// size.h: parsing of size strings such as "512M", "2G" or "1.5g" (memory and BaseVolumeSz).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ops {

inline constexpr std::uint64_t kMiB = 1024 * 1024;
// The established tool's default (lepton/config.go forces RunConfig.Memory = "2G").
inline constexpr std::uint64_t kDefaultMemoryMib = 2048;
// Below this the kernel cannot map itself, a heap and a program; it is a guess to be raised
// when the kernel's real floor is measured.
inline constexpr std::uint64_t kMinMemoryMib = 16;
// QEMU accepts more, but a typo such as "2000G" should not make the host swap to death.
inline constexpr std::uint64_t kMaxMemoryMib = 1024 * 1024;

// What a bare number means: QEMU reads "-m 512" as MiB, BaseVolumeSz "1000" is bytes.
enum class BareNumberUnit { Bytes, Mebibytes };

// Parses "<number>[.<fraction>][K|M|G|T][B|iB]" (units case-insensitive, binary multiples) into
// bytes. Throws std::invalid_argument with a reason on bad syntax or overflow.
std::uint64_t parse_size(std::string_view text, BareNumberUnit bare_unit);

// parse_size with BareNumberUnit::Mebibytes, rounded up to whole MiB and checked against
// kMinMemoryMib..kMaxMemoryMib. Returns MiB. Throws std::invalid_argument.
std::uint64_t parse_memory_mib(std::string_view text);

} // namespace ops
