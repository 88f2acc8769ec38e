// elf_check.cpp: program validation for `ops build` on top of common/elf.
#include "ops/image/elf_check.h"

#include "ops/base/error.h"
#include "ops/image/elf_read.h"

namespace ops {

namespace {

using common::elf::ElfError;
using common::elf::ElfErrorCode;
using common::elf::LinkKind;

std::string fix_for(ElfErrorCode code) {
    switch (code) {
    case ElfErrorCode::NotElf:
    case ElfErrorCode::TruncatedHeader:
        return "give a compiled x86-64 Linux executable, not a script, source file or archive";
    case ElfErrorCode::Elf32:
        return "rebuild it as a 64-bit x86-64 program (gcc -m64)";
    case ElfErrorCode::NotX86_64:
    case ElfErrorCode::BigEndian:
        return "rebuild it for x86-64 Linux (or use a cross-compiler that targets x86_64-linux)";
    case ElfErrorCode::NotExecutable:
        return "link it into an executable (an object file or core dump cannot run)";
    case ElfErrorCode::UnsupportedOsAbi:
        return "rebuild it for Linux";
    default:
        return "the file looks damaged or was made by an unusual linker; rebuild it";
    }
}

} // namespace

LinkKind check_program_elf(const std::filesystem::path& path, const std::string& shown) {
    HostElf file = read_host_elf(path, ElfParts::headers, kMaxElfHeaderRead);
    if (!file.io_error.empty())
        throw Error("cannot read the program " + shown + ": " + file.io_error,
                    "check that it exists and is readable");
    ElfError error = file.error;
    if (error.code == ElfErrorCode::BeyondBuffer)
        throw Error("the program " + shown + " has its ELF headers more than " +
                        std::to_string(kMaxElfHeaderRead >> 20) + " MiB into the file",
                    "rebuild it with a standard linker");
    if (error.ok())
        error = file.elf.check_entry();
    if (!error.ok())
        throw Error("the program " + shown + " cannot run: " + describe_elf_error(error),
                    fix_for(error.code));
    return file.elf.link_kind();
}

} // namespace ops
