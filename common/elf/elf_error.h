// elf_error.h: every way an ELF file can be rejected, and the messages users see for them.
// The checks that produce these codes live in elf_file.cpp and elf_dynamic.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

namespace common::elf {

enum class ElfErrorCode : uint8_t {
    Ok = 0,
    // File header.
    NotElf,           // shorter than the magic, or the magic is wrong
    TruncatedHeader,  // shorter than the 16-byte ident or the 64-byte ELF64 header
    Elf32,            // ELFCLASS32
    BadClass,         // neither ELFCLASS32 nor ELFCLASS64
    BigEndian,        // ELFDATA2MSB
    BadDataEncoding,  // neither ELFDATA2LSB nor ELFDATA2MSB
    BadVersion,       // EI_VERSION or e_version is not EV_CURRENT
    UnsupportedOsAbi, // EI_OSABI other than System V or GNU/Linux (value = the OS ABI)
    NotX86_64,        // value = e_machine
    NotExecutable,    // ET_REL, ET_CORE, ET_NONE, ... (value = e_type)
    BadHeaderSize,    // e_ehsize below 64
    // Program header table.
    BadProgramHeaderSize,      // e_phentsize is not 56 (value = e_phentsize)
    NoProgramHeaders,          // e_phnum is 0
    TooManyProgramHeaders,     // e_phnum above kMaxProgramHeaders (value = e_phnum)
    ProgramHeadersOverflow,    // e_phoff + table size wraps around
    ProgramHeadersOutOfBounds, // table ends past the end of the file
    // Segments (index = program header index).
    SegmentOutOfFile,        // [p_offset, p_offset + p_filesz) is not inside the file
    SegmentFileSizeTooLarge, // p_filesz > p_memsz
    SegmentBadAlignment,     // p_align is not a power of two (value = p_align)
    SegmentMisaligned,       // p_vaddr and p_offset disagree modulo p_align or the page size
    SegmentAddressOverflow,  // p_vaddr + p_memsz wraps or leaves the user half
    SegmentsOverlap,         // two PT_LOAD segments share addresses
    SegmentsOutOfOrder,      // PT_LOAD segments not sorted by p_vaddr (the gABI requires it)
    NoLoadSegments,          // nothing to load
    DuplicateSegment,    // a second PT_INTERP, PT_DYNAMIC, PT_TLS or PT_GNU_STACK (value = type)
    InterpBadLength,     // PT_INTERP empty or longer than kMaxInterpPath (value = p_filesz)
    InterpNotTerminated, // PT_INTERP does not end with its only NUL
    EntryNotExecutable,  // e_entry is not inside an executable PT_LOAD (value = e_entry)
    // Dynamic section.
    DynamicBadSize,             // PT_DYNAMIC size not a multiple of 16 (value = p_filesz)
    DynamicTooLarge,            // more than kMaxDynamicEntries entries (value = count)
    DynamicNotTerminated,       // no DT_NULL inside PT_DYNAMIC
    DynamicDuplicateTag,        // DT_STRTAB, DT_STRSZ, DT_SONAME, DT_RPATH or DT_RUNPATH twice
    DynamicNoStringTable,       // strings are referenced but DT_STRTAB or DT_STRSZ is missing
    StringTableNotMapped,       // DT_STRTAB/DT_STRSZ not inside the file part of one PT_LOAD
    DynamicStringOutOfBounds,   // a string offset past DT_STRSZ (value = offset)
    DynamicStringNotTerminated, // a string runs to the end of the string table
    // The caller gave only a prefix of the file and the data needed lies beyond it
    // (value = how many bytes from the start of the file to read before retrying).
    BeyondBuffer,
};

// A rejection with the detail needed to explain it. `index` is the program header index for
// segment errors (kNoIndex otherwise); `value` is the offending field (see the enum comments).
struct ElfError {
    static constexpr uint32_t kNoIndex = UINT32_MAX;

    ElfErrorCode code = ElfErrorCode::Ok;
    uint32_t index = kNoIndex;
    uint64_t value = 0;

    constexpr bool ok() const { return code == ElfErrorCode::Ok; }
};

constexpr ElfError elf_error(ElfErrorCode code, uint64_t value = 0,
                             uint32_t index = ElfError::kNoIndex) {
    return ElfError{code, index, value};
}

// A fixed sentence for the code alone, e.g. "not an x86-64 ELF". Never null.
const char* elf_error_message(ElfErrorCode code);

// The symbolic name of the code, e.g. "NotX86_64", for logs and tests. Never null.
const char* elf_error_name(ElfErrorCode code);

// "aarch64", "i386", ... or nullptr for a machine we have no name for.
const char* elf_machine_name(uint16_t machine);

// "ET_REL (relocatable object)", ... or nullptr for an unknown type.
const char* elf_type_name(uint16_t type);

// Writes a one-line message with the details, e.g.
// "not an x86-64 ELF: machine is aarch64 (e_machine 183)" or
// "program header 3: segment extends past the end of the file". Always NUL-terminates when
// capacity > 0 and truncates to fit. Returns the length written, excluding the NUL.
size_t format_elf_error(const ElfError& error, char* out, size_t capacity);

} // namespace common::elf
