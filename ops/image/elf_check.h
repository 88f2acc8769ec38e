// elf_check.h: deciding whether a host file is a program our kernel can run (a 64-bit x86-64
// Linux executable, static or dynamic), with a message for the user when it is not. The ELF
// rules themselves live in common/elf and the reading in elf_read.cpp; this file words the fix.
// A dynamic program's libraries are found by dependencies.cpp.
#pragma once

#include "common/elf/elf_file.h"
#include "ops/image/elf_read.h"

#include <filesystem>
#include <string>

namespace ops {

// Reads the headers of `path` (at most kMaxElfHeaderRead bytes) and checks them with
// common::elf::ElfFile. `shown` is the name the user gave, used in messages. Returns the link
// kind (Static, StaticPie or Dynamic). Throws ops::Error for an unreadable file, a non-ELF, a
// 32-bit or non-x86-64 ELF, and a non-executable or malformed ELF. Blocks on file I/O.
common::elf::LinkKind check_program_elf(const std::filesystem::path& path,
                                        const std::string& shown);

} // namespace ops
