// elf_check.h: deciding whether a host file is a program our kernel can run (a 64-bit x86-64
// Linux executable, statically linked for now), with a message for the user when it is not.
// The ELF rules themselves live in common/elf; this file only reads the file and words the fix.
#pragma once

#include "common/elf/elf_file.h"

#include <filesystem>
#include <string>

namespace ops {

// Reads the headers of `path` (at most kMaxElfHeaderRead bytes) and checks them with
// common::elf::ElfFile. `shown` is the name the user gave, used in messages. Returns the link
// kind (Static or StaticPie). Throws ops::Error for an unreadable file, a non-ELF, a 32-bit or
// non-x86-64 ELF, a non-executable or malformed ELF, and a dynamically linked one (PT_INTERP).
// Blocks on file I/O.
common::elf::LinkKind check_program_elf(const std::filesystem::path& path,
                                        const std::string& shown);

// The headers, program header table and PT_INTERP of any real program lie in its first few
// KiB; an ELF that points further than this for them is rejected rather than read whole.
inline constexpr std::uint64_t kMaxElfHeaderRead = 16u << 20;

} // namespace ops
