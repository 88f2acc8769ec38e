// elf_types.h: ELF64 on-disk layouts and constants (System V gABI and the x86-64 psABI).
// Only the layouts live here; decoding and every bound check live in elf_file.cpp and
// elf_dynamic.cpp, which read fields with explicit little-endian loads, never by casting bytes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace common::elf {

// e_ident indexes and values [gABI "ELF Identification"].
inline constexpr size_t kIdentSize = 16;
inline constexpr size_t kIdentClass = 4;
inline constexpr size_t kIdentData = 5;
inline constexpr size_t kIdentVersion = 6;
inline constexpr size_t kIdentOsAbi = 7;
inline constexpr uint8_t kMagic[4] = {0x7f, 'E', 'L', 'F'};

inline constexpr uint8_t ELFCLASS32 = 1;
inline constexpr uint8_t ELFCLASS64 = 2;
inline constexpr uint8_t ELFDATA2LSB = 1;
inline constexpr uint8_t ELFDATA2MSB = 2;
inline constexpr uint8_t EV_CURRENT = 1;
inline constexpr uint8_t ELFOSABI_SYSV = 0;
inline constexpr uint8_t ELFOSABI_GNU = 3; // also called ELFOSABI_LINUX

// e_type.
inline constexpr uint16_t ET_NONE = 0;
inline constexpr uint16_t ET_REL = 1;
inline constexpr uint16_t ET_EXEC = 2;
inline constexpr uint16_t ET_DYN = 3;
inline constexpr uint16_t ET_CORE = 4;

// e_machine values we name in error messages; only EM_X86_64 is accepted.
inline constexpr uint16_t EM_386 = 3;
inline constexpr uint16_t EM_MIPS = 8;
inline constexpr uint16_t EM_PPC = 20;
inline constexpr uint16_t EM_PPC64 = 21;
inline constexpr uint16_t EM_S390 = 22;
inline constexpr uint16_t EM_ARM = 40;
inline constexpr uint16_t EM_SPARCV9 = 43;
inline constexpr uint16_t EM_IA_64 = 50;
inline constexpr uint16_t EM_X86_64 = 62;
inline constexpr uint16_t EM_AARCH64 = 183;
inline constexpr uint16_t EM_RISCV = 243;
inline constexpr uint16_t EM_LOONGARCH = 258;

// p_type.
inline constexpr uint32_t PT_NULL = 0;
inline constexpr uint32_t PT_LOAD = 1;
inline constexpr uint32_t PT_DYNAMIC = 2;
inline constexpr uint32_t PT_INTERP = 3;
inline constexpr uint32_t PT_NOTE = 4;
inline constexpr uint32_t PT_PHDR = 6;
inline constexpr uint32_t PT_TLS = 7;
inline constexpr uint32_t PT_GNU_EH_FRAME = 0x6474e550;
inline constexpr uint32_t PT_GNU_STACK = 0x6474e551;
inline constexpr uint32_t PT_GNU_RELRO = 0x6474e552;
inline constexpr uint32_t PT_GNU_PROPERTY = 0x6474e553;

// p_flags.
inline constexpr uint32_t PF_X = 1;
inline constexpr uint32_t PF_W = 2;
inline constexpr uint32_t PF_R = 4;

// d_tag values the dynamic reader understands.
inline constexpr int64_t DT_NULL = 0;
inline constexpr int64_t DT_NEEDED = 1;
inline constexpr int64_t DT_STRTAB = 5;
inline constexpr int64_t DT_STRSZ = 10;
inline constexpr int64_t DT_SONAME = 14;
inline constexpr int64_t DT_RPATH = 15;
inline constexpr int64_t DT_RUNPATH = 29;

// The file header [gABI "ELF Header"].
struct Elf64Ehdr {
    uint8_t e_ident[kIdentSize];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};
static_assert(sizeof(Elf64Ehdr) == 64);
static_assert(offsetof(Elf64Ehdr, e_entry) == 24);
static_assert(offsetof(Elf64Ehdr, e_phoff) == 32);
static_assert(offsetof(Elf64Ehdr, e_ehsize) == 52);
static_assert(offsetof(Elf64Ehdr, e_phnum) == 56);

// One program header [gABI "Program Header"].
struct Elf64Phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};
static_assert(sizeof(Elf64Phdr) == 56);
static_assert(offsetof(Elf64Phdr, p_offset) == 8);
static_assert(offsetof(Elf64Phdr, p_filesz) == 32);
static_assert(offsetof(Elf64Phdr, p_align) == 48);

// One entry of the dynamic array [gABI "Dynamic Section"].
struct Elf64Dyn {
    int64_t d_tag;
    uint64_t d_val; // d_un: d_val and d_ptr share this word
};
static_assert(sizeof(Elf64Dyn) == 16);

// The 32-bit header is only described so that a 32-bit file can be recognised and named.
inline constexpr size_t kElf32EhdrSize = 52;

} // namespace common::elf
