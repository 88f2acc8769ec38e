// elf_dynamic.cpp: reading and validating PT_DYNAMIC and the strings it names. The program
// headers it relies on were validated by elf_file.cpp.
#include "common/elf/elf_dynamic.h"

#include "common/base/endian.h"

namespace common::elf {

namespace {

Elf64Dyn decode_dyn(const uint8_t* p) {
    return Elf64Dyn{int64_t(load_le64(p)), load_le64(p + 8)};
}

// Records a tag that may appear at most once.
ElfError set_once(DynamicSection::Value* slot, const Elf64Dyn& dyn) {
    if (slot->present)
        return elf_error(ElfErrorCode::DynamicDuplicateTag, uint64_t(dyn.d_tag));
    *slot = {true, dyn.d_val};
    return {};
}

} // namespace

ElfError DynamicSection::parse(const ElfFile& file, DynamicSection* out) {
    DynamicSection section;
    const Elf64Phdr* dynamic = file.dynamic();
    if (!dynamic) {
        *out = section;
        return {};
    }
    if (dynamic->p_filesz % sizeof(Elf64Dyn) != 0)
        return elf_error(ElfErrorCode::DynamicBadSize, dynamic->p_filesz);
    uint64_t count = dynamic->p_filesz / sizeof(Elf64Dyn);
    if (count > kMaxDynamicEntries)
        return elf_error(ElfErrorCode::DynamicTooLarge, count);
    // ElfFile::parse() checked that the segment lies inside the file without wrapping.
    uint64_t end = dynamic->p_offset + dynamic->p_filesz;
    if (end > file.data().size())
        return elf_error(ElfErrorCode::BeyondBuffer, end);
    const uint8_t* base = file.data().data() + dynamic->p_offset;

    Value strtab;
    Value strsz;
    bool terminated = false;
    uint64_t used = 0;
    for (; used < count; used++) {
        Elf64Dyn dyn = decode_dyn(base + used * sizeof(Elf64Dyn));
        ElfError error;
        switch (dyn.d_tag) {
        case DT_NULL:
            terminated = true;
            break;
        case DT_NEEDED:
            section.m_needed_count++;
            break;
        case DT_STRTAB:
            error = set_once(&strtab, dyn);
            break;
        case DT_STRSZ:
            error = set_once(&strsz, dyn);
            break;
        case DT_SONAME:
            error = set_once(&section.m_soname, dyn);
            break;
        case DT_RPATH:
            error = set_once(&section.m_rpath, dyn);
            break;
        case DT_RUNPATH:
            error = set_once(&section.m_runpath, dyn);
            break;
        default:
            break;
        }
        if (!error.ok())
            return error;
        if (terminated)
            break;
    }
    if (!terminated)
        return elf_error(ElfErrorCode::DynamicNotTerminated, count);
    section.m_entries = Bytes(base, used * sizeof(Elf64Dyn));
    section.m_entry_count = used;

    bool has_strings = section.m_needed_count > 0 || section.m_soname.present ||
                       section.m_rpath.present || section.m_runpath.present;
    if (!has_strings) {
        *out = section;
        return {};
    }
    if (!strtab.present || !strsz.present)
        return elf_error(ElfErrorCode::DynamicNoStringTable);
    uint64_t offset;
    uint64_t available;
    if (!file.file_offset_of(strtab.value, &offset, &available) || strsz.value > available)
        return elf_error(ElfErrorCode::StringTableNotMapped, strtab.value);
    // file_offset_of() keeps offset + available inside the file, so this cannot wrap.
    if (offset + strsz.value > file.data().size())
        return elf_error(ElfErrorCode::BeyondBuffer, offset + strsz.value);
    section.m_strings = Bytes(file.data().data() + offset, strsz.value);

    // A string starting at `s` is terminated inside the table iff some NUL sits at or after
    // `s`, that is iff s <= the last NUL. One backward scan makes every check O(1), so a
    // hostile file cannot make us rescan a large table once per entry.
    Value last_nul;
    for (uint64_t i = strsz.value; i > 0; i--) {
        if (section.m_strings[i - 1] == 0) {
            last_nul = {true, i - 1};
            break;
        }
    }
    auto check_string = [&](uint64_t s) -> ElfError {
        if (s >= strsz.value)
            return elf_error(ElfErrorCode::DynamicStringOutOfBounds, s);
        if (!last_nul.present || s > last_nul.value)
            return elf_error(ElfErrorCode::DynamicStringNotTerminated, s);
        return {};
    };
    for (uint64_t i = 0; i < used; i++) {
        Elf64Dyn dyn = section.entry(i);
        if (dyn.d_tag != DT_NEEDED)
            continue;
        if (ElfError e = check_string(dyn.d_val); !e.ok())
            return e;
    }
    const Value named[] = {section.m_soname, section.m_rpath, section.m_runpath};
    for (Value s : named) {
        if (!s.present)
            continue;
        if (ElfError e = check_string(s.value); !e.ok())
            return e;
    }
    *out = section;
    return {};
}

Elf64Dyn DynamicSection::entry(size_t index) const {
    return decode_dyn(m_entries.data() + index * sizeof(Elf64Dyn));
}

const char* DynamicSection::needed(size_t index) const {
    for (size_t i = 0; i < m_entry_count; i++) {
        Elf64Dyn dyn = entry(i);
        if (dyn.d_tag == DT_NEEDED && index-- == 0)
            return string_at(dyn.d_val);
    }
    return nullptr;
}

const char* DynamicSection::string_at(uint64_t offset) const {
    if (offset >= m_strings.size())
        return nullptr;
    return reinterpret_cast<const char*>(m_strings.data() + offset);
}

} // namespace common::elf
