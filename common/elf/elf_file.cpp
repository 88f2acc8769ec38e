// elf_file.cpp: decoding and validation of the ELF64 header and program headers. Every field is
// read with an explicit little-endian load at a checked offset; the dynamic section is in
// elf_dynamic.cpp.
#include "common/elf/elf_file.h"

#include "common/base/endian.h"

namespace common::elf {

namespace {

constexpr bool is_power_of_two(uint64_t value) {
    return value != 0 && (value & (value - 1)) == 0;
}

// a + b without wrapping; false if it would wrap.
constexpr bool checked_add(uint64_t a, uint64_t b, uint64_t* sum) {
    if (b > UINT64_MAX - a)
        return false;
    *sum = a + b;
    return true;
}

Elf64Phdr decode_phdr(const uint8_t* p) {
    Elf64Phdr ph;
    ph.p_type = load_le32(p + 0);
    ph.p_flags = load_le32(p + 4);
    ph.p_offset = load_le64(p + 8);
    ph.p_vaddr = load_le64(p + 16);
    ph.p_paddr = load_le64(p + 24);
    ph.p_filesz = load_le64(p + 32);
    ph.p_memsz = load_le64(p + 40);
    ph.p_align = load_le64(p + 48);
    return ph;
}

// The error for a range [0, end) the parser must read: past the file is `past_file`, inside
// the file but past what the caller read is BeyondBuffer.
ElfError need_bytes(uint64_t end, Bytes data, uint64_t file_size, ElfErrorCode past_file) {
    if (end > file_size)
        return elf_error(past_file, file_size);
    if (end > data.size())
        return elf_error(ElfErrorCode::BeyondBuffer, end);
    return {};
}

} // namespace

const char* link_kind_name(LinkKind kind) {
    switch (kind) {
    case LinkKind::Static:
        return "static";
    case LinkKind::StaticPie:
        return "static-pie";
    case LinkKind::Dynamic:
        return "dynamic";
    }
    return "unknown";
}

ElfError ElfFile::parse(Bytes data, ElfFile* out) {
    return parse(data, data.size(), out);
}

ElfError ElfFile::parse(Bytes data, uint64_t file_size, ElfFile* out) {
    ElfFile file;
    // A prefix can never be longer than the file it was read from.
    file.m_data = data.size() > file_size ? data.slice(0, file_size) : data;
    file.m_file_size = file_size;
    if (ElfError error = file.parse_header(); !error.ok())
        return error;
    if (ElfError error = file.parse_segments(); !error.ok())
        return error;
    *out = file;
    return {};
}

ElfError ElfFile::parse_header() {
    const uint8_t* p = m_data.data();
    if (ElfError e = need_bytes(sizeof(kMagic), m_data, m_file_size, ElfErrorCode::NotElf); !e.ok())
        return e;
    for (size_t i = 0; i < sizeof(kMagic); i++)
        if (p[i] != kMagic[i])
            return elf_error(ElfErrorCode::NotElf);

    if (ElfError e = need_bytes(kIdentSize, m_data, m_file_size, ElfErrorCode::TruncatedHeader);
        !e.ok())
        return e;
    uint8_t elf_class = p[kIdentClass];
    if (elf_class == ELFCLASS32) {
        // e_machine sits at offset 18 in both classes; name it when it is there.
        uint64_t machine = m_data.size() >= 20 ? load_le16(p + 18) : UINT64_MAX;
        if (p[kIdentData] == ELFDATA2MSB && machine != UINT64_MAX)
            machine = uint16_t((machine >> 8) | (machine << 8));
        return elf_error(ElfErrorCode::Elf32, machine);
    }
    if (elf_class != ELFCLASS64)
        return elf_error(ElfErrorCode::BadClass, elf_class);
    if (p[kIdentData] == ELFDATA2MSB)
        return elf_error(ElfErrorCode::BigEndian);
    if (p[kIdentData] != ELFDATA2LSB)
        return elf_error(ElfErrorCode::BadDataEncoding, p[kIdentData]);
    if (p[kIdentVersion] != EV_CURRENT)
        return elf_error(ElfErrorCode::BadVersion, p[kIdentVersion]);
    if (p[kIdentOsAbi] != ELFOSABI_SYSV && p[kIdentOsAbi] != ELFOSABI_GNU)
        return elf_error(ElfErrorCode::UnsupportedOsAbi, p[kIdentOsAbi]);

    if (ElfError e =
            need_bytes(sizeof(Elf64Ehdr), m_data, m_file_size, ElfErrorCode::TruncatedHeader);
        !e.ok())
        return e;
    m_type = load_le16(p + offsetof(Elf64Ehdr, e_type));
    uint16_t machine = load_le16(p + offsetof(Elf64Ehdr, e_machine));
    uint32_t version = load_le32(p + offsetof(Elf64Ehdr, e_version));
    m_entry = load_le64(p + offsetof(Elf64Ehdr, e_entry));
    m_phoff = load_le64(p + offsetof(Elf64Ehdr, e_phoff));
    uint16_t ehsize = load_le16(p + offsetof(Elf64Ehdr, e_ehsize));
    uint16_t phentsize = load_le16(p + offsetof(Elf64Ehdr, e_phentsize));
    uint16_t phnum = load_le16(p + offsetof(Elf64Ehdr, e_phnum));

    if (machine != EM_X86_64)
        return elf_error(ElfErrorCode::NotX86_64, machine);
    if (m_type != ET_EXEC && m_type != ET_DYN)
        return elf_error(ElfErrorCode::NotExecutable, m_type);
    if (version != EV_CURRENT)
        return elf_error(ElfErrorCode::BadVersion, version);
    if (ehsize < sizeof(Elf64Ehdr))
        return elf_error(ElfErrorCode::BadHeaderSize, ehsize);
    if (phnum == 0)
        return elf_error(ElfErrorCode::NoProgramHeaders);
    // This also rejects PN_XNUM (0xffff), the escape to a count in section header 0, which
    // no program needs.
    if (phnum > kMaxProgramHeaders)
        return elf_error(ElfErrorCode::TooManyProgramHeaders, phnum);
    if (phentsize != sizeof(Elf64Phdr))
        return elf_error(ElfErrorCode::BadProgramHeaderSize, phentsize);
    m_phnum = phnum;

    uint64_t table_end;
    if (!checked_add(m_phoff, uint64_t(phnum) * sizeof(Elf64Phdr), &table_end))
        return elf_error(ElfErrorCode::ProgramHeadersOverflow, m_phoff);
    return need_bytes(table_end, m_data, m_file_size, ElfErrorCode::ProgramHeadersOutOfBounds);
}

ElfError ElfFile::parse_segments() {
    bool seen_load = false;
    uint64_t previous_vaddr = 0;
    uint64_t previous_end = 0;
    m_load_span = {UINT64_MAX, 0};

    for (uint32_t i = 0; i < m_phnum; i++) {
        Elf64Phdr ph = program_header(i);
        if (ElfError e = check_segment(i, ph); !e.ok())
            return e;
        if (ph.p_type != PT_LOAD)
            continue;
        // check_segment() has ruled out wrap-around.
        uint64_t end = ph.p_vaddr + ph.p_memsz;
        if (seen_load) {
            if (ph.p_vaddr < previous_vaddr)
                return elf_error(ElfErrorCode::SegmentsOutOfOrder, ph.p_vaddr, i);
            if (ph.p_vaddr < previous_end)
                return elf_error(ElfErrorCode::SegmentsOverlap, ph.p_vaddr, i);
        }
        seen_load = true;
        previous_vaddr = ph.p_vaddr;
        previous_end = end;
        if (ph.p_vaddr < m_load_span.low)
            m_load_span.low = ph.p_vaddr;
        if (end > m_load_span.high)
            m_load_span.high = end;
    }
    if (!seen_load)
        return elf_error(ElfErrorCode::NoLoadSegments);
    return {};
}

ElfError ElfFile::check_segment(uint32_t index, const Elf64Phdr& ph) {
    uint64_t file_end;
    if (!checked_add(ph.p_offset, ph.p_filesz, &file_end) ||
        (ph.p_filesz > 0 && file_end > m_file_size))
        return elf_error(ElfErrorCode::SegmentOutOfFile, ph.p_offset, index);

    if (ph.p_type == PT_LOAD || ph.p_type == PT_TLS) {
        if (ph.p_filesz > ph.p_memsz)
            return elf_error(ElfErrorCode::SegmentFileSizeTooLarge, ph.p_filesz, index);
        if (ph.p_align > 1 && !is_power_of_two(ph.p_align))
            return elf_error(ElfErrorCode::SegmentBadAlignment, ph.p_align, index);
        uint64_t end;
        if (!checked_add(ph.p_vaddr, ph.p_memsz, &end) || end > kUserAddressLimit)
            return elf_error(ElfErrorCode::SegmentAddressOverflow, ph.p_vaddr, index);
    }

    switch (ph.p_type) {
    case PT_LOAD:
        // mmap() needs the file offset and the address to agree within a page, and the gABI
        // requires them to agree modulo p_align.
        if ((ph.p_vaddr - ph.p_offset) % kPageSize != 0 ||
            (ph.p_align > 1 && (ph.p_vaddr - ph.p_offset) % ph.p_align != 0))
            return elf_error(ElfErrorCode::SegmentMisaligned, ph.p_vaddr, index);
        return {};
    case PT_INTERP: {
        if (m_interp)
            return elf_error(ElfErrorCode::DuplicateSegment, ph.p_type, index);
        if (ph.p_filesz < 2 || ph.p_filesz > kMaxInterpPath)
            return elf_error(ElfErrorCode::InterpBadLength, ph.p_filesz, index);
        if (file_end > m_data.size())
            return elf_error(ElfErrorCode::BeyondBuffer, file_end, index);
        const uint8_t* path = m_data.data() + ph.p_offset;
        size_t length = 0;
        while (length < ph.p_filesz && path[length] != 0)
            length++;
        if (length != ph.p_filesz - 1)
            return elf_error(ElfErrorCode::InterpNotTerminated, length, index);
        m_interp = reinterpret_cast<const char*>(path);
        m_interp_length = length;
        return {};
    }
    case PT_DYNAMIC:
        if (m_has_dynamic)
            return elf_error(ElfErrorCode::DuplicateSegment, ph.p_type, index);
        m_has_dynamic = true;
        m_dynamic = ph;
        return {};
    case PT_TLS:
        if (m_has_tls)
            return elf_error(ElfErrorCode::DuplicateSegment, ph.p_type, index);
        m_has_tls = true;
        m_tls = ph;
        return {};
    case PT_GNU_STACK:
        if (m_has_gnu_stack)
            return elf_error(ElfErrorCode::DuplicateSegment, ph.p_type, index);
        m_has_gnu_stack = true;
        m_gnu_stack_flags = ph.p_flags;
        m_gnu_stack_size = ph.p_memsz;
        return {};
    default:
        return {};
    }
}

LinkKind ElfFile::link_kind() const {
    if (m_interp)
        return LinkKind::Dynamic;
    return m_type == ET_DYN ? LinkKind::StaticPie : LinkKind::Static;
}

Elf64Phdr ElfFile::program_header(size_t index) const {
    // parse_header() checked that the whole table lies inside m_data.
    return decode_phdr(m_data.data() + m_phoff + index * sizeof(Elf64Phdr));
}

ElfError ElfFile::check_entry() const {
    for (Elf64Phdr ph : program_headers()) {
        if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) && m_entry >= ph.p_vaddr &&
            m_entry - ph.p_vaddr < ph.p_memsz)
            return {};
    }
    return elf_error(ElfErrorCode::EntryNotExecutable, m_entry);
}

bool ElfFile::file_offset_of(uint64_t vaddr, uint64_t* offset, uint64_t* available) const {
    for (Elf64Phdr ph : program_headers()) {
        if (ph.p_type != PT_LOAD || vaddr < ph.p_vaddr || vaddr - ph.p_vaddr >= ph.p_filesz)
            continue;
        // parse() checked p_offset + p_filesz <= file size, so neither of these wraps.
        *offset = ph.p_offset + (vaddr - ph.p_vaddr);
        *available = ph.p_filesz - (vaddr - ph.p_vaddr);
        return true;
    }
    return false;
}

} // namespace common::elf
