// elf_dynamic.h: the dynamic section of a parsed ElfFile: DT_NEEDED, DT_SONAME, DT_RPATH and
// DT_RUNPATH strings, read through DT_STRTAB mapped from its address to its file offset. Used by
// ops to find a program's libraries without running it. Bounds-checked like elf_file.h; no
// allocation, no global state; the view borrows the ElfFile's buffer.
#pragma once

#include "common/elf/elf_file.h"

#include <cstddef>
#include <cstdint>

namespace common::elf {

// Real programs have well under 100 dynamic entries; the bound keeps the repeated walks in
// needed() cheap on a hostile file while leaving room for programs with hundreds of libraries.
inline constexpr uint64_t kMaxDynamicEntries = 4096;

class DynamicSection {
  public:
    DynamicSection() = default;

    // Reads the PT_DYNAMIC segment of `file`. A file without one gives an empty section (a
    // static program). Checks that the array is a whole number of entries, at most
    // kMaxDynamicEntries long and ends in DT_NULL; that DT_STRTAB and DT_STRSZ appear once and
    // lie in the file part of one PT_LOAD; and that every DT_NEEDED, DT_SONAME, DT_RPATH and
    // DT_RUNPATH string starts inside the table and is NUL-terminated inside it. Needs the
    // whole file in file.data(), else BeyondBuffer.
    [[nodiscard]] static ElfError parse(const ElfFile& file, DynamicSection* out);

    bool present() const { return m_entry_count > 0; }
    // Entries before DT_NULL.
    size_t entry_count() const { return m_entry_count; }
    Elf64Dyn entry(size_t index) const;

    size_t needed_count() const { return m_needed_count; }
    // The index-th DT_NEEDED name, in file order (index < needed_count()).
    const char* needed(size_t index) const;
    // The strings, or nullptr when the tag is absent. All point into the file's buffer and are
    // NUL-terminated inside the string table.
    const char* soname() const { return string_at(m_soname); }
    const char* rpath() const { return string_at(m_rpath); }
    const char* runpath() const { return string_at(m_runpath); }

    // The value of a tag that may appear at most once. Every d_val is legal, so presence is
    // tracked separately rather than with a sentinel value.
    struct Value {
        bool present = false;
        uint64_t value = 0;
    };

  private:
    const char* string_at(uint64_t offset) const;
    const char* string_at(Value offset) const {
        return offset.present ? string_at(offset.value) : nullptr;
    }

    Bytes m_entries; // the array, without DT_NULL
    size_t m_entry_count = 0;
    Bytes m_strings; // the string table, DT_STRSZ bytes
    size_t m_needed_count = 0;
    Value m_soname;
    Value m_rpath;
    Value m_runpath;
};

} // namespace common::elf
