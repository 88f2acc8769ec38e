// elf_read.h: reading just enough of a host ELF file for common/elf to check it: the headers,
// and on request the dynamic section with its string table. Shared by elf_check.cpp (the
// program) and dependencies.cpp (its libraries); the ELF rules stay in common/elf, and the
// wording of errors for users stays with the callers.
#pragma once

#include "common/elf/elf_dynamic.h"
#include "common/elf/elf_file.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ops {

// The headers, program header table and PT_INTERP of any real program lie in its first few
// KiB; an ELF that points further than this for them is rejected rather than read whole.
inline constexpr std::uint64_t kMaxElfHeaderRead = 16u << 20;

// The dynamic string table of even the largest shared libraries (libLLVM, libxul) ends within
// their first few tens of MiB; further than this and the library is rejected, not read whole.
inline constexpr std::uint64_t kMaxElfDynamicRead = 64u << 20;

enum class ElfParts { headers, headers_and_dynamic };

// An ELF file read from the host. The views in `elf` and `dynamic` borrow `bytes`, so the object
// can be moved (the vector keeps its buffer) but not copied.
struct HostElf {
    HostElf() = default;
    HostElf(HostElf&&) = default;
    HostElf& operator=(HostElf&&) = default;
    HostElf(const HostElf&) = delete;
    HostElf& operator=(const HostElf&) = delete;

    std::vector<std::uint8_t> bytes; // a prefix of the file
    std::uint64_t file_size = 0;
    common::elf::ElfFile elf;
    common::elf::DynamicSection dynamic; // empty unless ElfParts::headers_and_dynamic
    // What common/elf said about the file. BeyondBuffer here means the parts lie further than
    // `limit` into the file.
    common::elf::ElfError error;
    // Non-empty when the file could not be opened or read (strerror text); then `error` is
    // meaningless.
    std::string io_error;
};

// Reads `path` a prefix at a time (64 KiB, then as much as common/elf says it needs, up to
// `limit` bytes) and parses `parts`. Never throws for a bad file: the result says what went
// wrong. Blocks on file I/O.
HostElf read_host_elf(const std::filesystem::path& path, ElfParts parts, std::uint64_t limit);

// The common/elf error as one line of text ("32-bit ELF (class 1, i386)").
std::string describe_elf_error(const common::elf::ElfError& error);

} // namespace ops
