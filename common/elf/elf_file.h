// elf_file.h: a validated, read-only view of an x86-64 ELF64 file (header, program headers,
// PT_INTERP, PT_TLS, PT_GNU_STACK, load span). The dynamic section is read by elf_dynamic.h.
// The bytes are untrusted: every field is bounds-checked before use. Nothing here allocates,
// blocks or keeps global state; the view borrows the caller's buffer, which must outlive it.
#pragma once

#include "common/base/span.h"
#include "common/elf/elf_error.h"
#include "common/elf/elf_types.h"

#include <cstddef>
#include <cstdint>

namespace common::elf {

// Linux's load_elf_phdrs() refuses a program header table larger than 64 KiB, so no program
// that runs on Linux has more entries than this. Real programs have fewer than 20.
inline constexpr uint32_t kMaxProgramHeaders = 65536 / sizeof(Elf64Phdr);

// PATH_MAX including the NUL: the interpreter path is passed to open() as is.
inline constexpr uint64_t kMaxInterpPath = 4096;

// x86-64 user addresses are below 2^47 (4-level paging); a segment reaching past this can never
// be mapped in the lower half, where the program lives.
inline constexpr uint64_t kUserAddressLimit = uint64_t(1) << 47;

inline constexpr uint64_t kPageSize = 4096;

enum class LinkKind : uint8_t {
    Static,    // ET_EXEC without PT_INTERP: loaded at its link addresses
    StaticPie, // ET_DYN without PT_INTERP: relocates itself (static-pie, or ld.so run directly)
    Dynamic,   // PT_INTERP present: the interpreter loads the program and its libraries
};

// "static", "static-pie" or "dynamic".
const char* link_kind_name(LinkKind kind);

// Lowest p_vaddr and highest p_vaddr + p_memsz over the PT_LOAD segments, as linked (for
// ET_DYN these are offsets from the load bias). Not page-rounded.
struct LoadSpan {
    uint64_t low = 0;
    uint64_t high = 0;
    uint64_t size() const { return high - low; }
};

class ElfFile {
  public:
    class ProgramHeaderRange;

    ElfFile() = default;

    // Validates `data` as a whole ELF file and, on success, fills `*out`. Checks the header
    // (class, byte order, version, OS ABI, machine, type), the program header table bounds, and
    // every segment (file range, sizes, alignment, address range, PT_LOAD order and overlap, at
    // most one PT_INTERP/PT_DYNAMIC/PT_TLS/PT_GNU_STACK, a NUL-terminated PT_INTERP).
    [[nodiscard]] static ElfError parse(Bytes data, ElfFile* out);

    // The same, for a caller that has read only the first `data.size()` bytes of a file that is
    // `file_size` bytes long (the kernel reads the headers before the segments). Segment ranges
    // are checked against `file_size`; the headers and PT_INTERP must lie inside `data`, else
    // the result is BeyondBuffer and the caller should read more.
    [[nodiscard]] static ElfError parse(Bytes data, uint64_t file_size, ElfFile* out);

    uint16_t type() const { return m_type; }
    uint64_t entry() const { return m_entry; }
    LinkKind link_kind() const;
    bool is_pie() const { return m_type == ET_DYN; }

    // The bytes given to parse() (possibly a prefix) and the whole file's size.
    Bytes data() const { return m_data; }
    uint64_t file_size() const { return m_file_size; }

    size_t program_header_count() const { return m_phnum; }
    // Decodes header `index` (< program_header_count()).
    Elf64Phdr program_header(size_t index) const;
    // For range-for: `for (Elf64Phdr ph : file.program_headers())`.
    ProgramHeaderRange program_headers() const;

    // The PT_INTERP path without its NUL, or nullptr when there is none. Points into data().
    const char* interpreter() const { return m_interp; }
    size_t interpreter_length() const { return m_interp_length; }

    // The PT_TLS header, or nullptr.
    const Elf64Phdr* tls() const { return m_has_tls ? &m_tls : nullptr; }
    // The PT_DYNAMIC header, or nullptr.
    const Elf64Phdr* dynamic() const { return m_has_dynamic ? &m_dynamic : nullptr; }

    // PT_GNU_STACK: without one, Linux gives x86-64 programs an executable stack.
    bool has_gnu_stack() const { return m_has_gnu_stack; }
    bool stack_executable() const { return !m_has_gnu_stack || (m_gnu_stack_flags & PF_X); }
    // p_memsz of PT_GNU_STACK (a requested stack size some linkers set), 0 when absent.
    uint64_t stack_size_hint() const { return m_gnu_stack_size; }

    LoadSpan load_span() const { return m_load_span; }

    // Whether e_entry lies inside an executable PT_LOAD. parse() does not require it because
    // shared libraries may have no entry point; the loader checks it for the program it runs.
    [[nodiscard]] ElfError check_entry() const;

    // The file offset holding virtual address `vaddr` as linked, and how many file bytes follow
    // it inside the same PT_LOAD. Returns false if no PT_LOAD maps `vaddr` from the file.
    bool file_offset_of(uint64_t vaddr, uint64_t* offset, uint64_t* available) const;

  private:
    ElfError parse_header();
    ElfError parse_segments();
    ElfError check_segment(uint32_t index, const Elf64Phdr& ph);

    Bytes m_data;
    uint64_t m_file_size = 0;
    uint16_t m_type = 0;
    uint64_t m_entry = 0;
    uint64_t m_phoff = 0;
    uint32_t m_phnum = 0;
    const char* m_interp = nullptr;
    size_t m_interp_length = 0;
    bool m_has_tls = false;
    bool m_has_dynamic = false;
    bool m_has_gnu_stack = false;
    Elf64Phdr m_tls = {};
    Elf64Phdr m_dynamic = {};
    uint32_t m_gnu_stack_flags = 0;
    uint64_t m_gnu_stack_size = 0;
    LoadSpan m_load_span;
};

class ElfFile::ProgramHeaderRange {
  public:
    class Iterator {
      public:
        Iterator(const ElfFile* file, size_t index) : m_file(file), m_index(index) {}
        Elf64Phdr operator*() const { return m_file->program_header(m_index); }
        Iterator& operator++() {
            m_index++;
            return *this;
        }
        bool operator!=(const Iterator& other) const { return m_index != other.m_index; }

      private:
        const ElfFile* m_file;
        size_t m_index;
    };

    explicit ProgramHeaderRange(const ElfFile* file) : m_file(file) {}
    Iterator begin() const { return Iterator(m_file, 0); }
    Iterator end() const { return Iterator(m_file, m_file->program_header_count()); }

  private:
    const ElfFile* m_file;
};

inline ElfFile::ProgramHeaderRange ElfFile::program_headers() const {
    return ProgramHeaderRange(this);
}

} // namespace common::elf
