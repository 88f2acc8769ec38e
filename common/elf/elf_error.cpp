// elf_error.cpp: names and one-line messages for ElfErrorCode, and the formatter that adds the
// offending value (machine, type, index). No libc: the formatter writes into the caller's buffer.
#include "common/elf/elf_error.h"

#include "common/elf/elf_dynamic.h"
#include "common/elf/elf_types.h"

namespace common::elf {

namespace {

// Appends to a fixed buffer, silently truncating, always leaving room for the NUL.
class TextWriter {
  public:
    TextWriter(char* out, size_t capacity) : m_out(out), m_capacity(capacity) {}

    void put(const char* text) {
        while (*text)
            put_char(*text++);
    }
    void put_decimal(uint64_t value) {
        char digits[20];
        size_t n = 0;
        do {
            digits[n++] = char('0' + value % 10);
            value /= 10;
        } while (value);
        while (n)
            put_char(digits[--n]);
    }
    void put_hex(uint64_t value) {
        put("0x");
        int shift = 60;
        while (shift > 0 && ((value >> shift) & 0xf) == 0)
            shift -= 4;
        for (; shift >= 0; shift -= 4)
            put_char("0123456789abcdef"[(value >> shift) & 0xf]);
    }
    size_t finish() {
        if (m_capacity > 0)
            m_out[m_length] = 0;
        return m_length;
    }

  private:
    void put_char(char c) {
        if (m_length + 1 < m_capacity)
            m_out[m_length++] = c;
    }

    char* m_out;
    size_t m_capacity;
    size_t m_length = 0;
};

const char* segment_type_name(uint64_t type) {
    switch (type) {
    case PT_INTERP:
        return "PT_INTERP";
    case PT_DYNAMIC:
        return "PT_DYNAMIC";
    case PT_TLS:
        return "PT_TLS";
    case PT_GNU_STACK:
        return "PT_GNU_STACK";
    default:
        return "segment";
    }
}

const char* dynamic_tag_name(uint64_t tag) {
    switch (tag) {
    case DT_STRTAB:
        return "DT_STRTAB";
    case DT_STRSZ:
        return "DT_STRSZ";
    case DT_SONAME:
        return "DT_SONAME";
    case DT_RPATH:
        return "DT_RPATH";
    case DT_RUNPATH:
        return "DT_RUNPATH";
    default:
        return "tag";
    }
}

} // namespace

const char* elf_error_message(ElfErrorCode code) {
    switch (code) {
    case ElfErrorCode::Ok:
        return "no error";
    case ElfErrorCode::NotElf:
        return "not an ELF file (bad magic)";
    case ElfErrorCode::TruncatedHeader:
        return "truncated ELF header";
    case ElfErrorCode::Elf32:
        return "32-bit ELF; only 64-bit x86-64 programs are supported";
    case ElfErrorCode::BadClass:
        return "unknown ELF class";
    case ElfErrorCode::BigEndian:
        return "big-endian ELF; only little-endian x86-64 programs are supported";
    case ElfErrorCode::BadDataEncoding:
        return "unknown ELF data encoding";
    case ElfErrorCode::BadVersion:
        return "unsupported ELF version";
    case ElfErrorCode::UnsupportedOsAbi:
        return "unsupported ELF OS ABI (only System V and GNU/Linux programs run)";
    case ElfErrorCode::NotX86_64:
        return "not an x86-64 ELF";
    case ElfErrorCode::NotExecutable:
        return "not an executable";
    case ElfErrorCode::BadHeaderSize:
        return "ELF header size is smaller than 64 bytes";
    case ElfErrorCode::BadProgramHeaderSize:
        return "program header entry size is not 56 bytes";
    case ElfErrorCode::NoProgramHeaders:
        return "no program headers";
    case ElfErrorCode::TooManyProgramHeaders:
        return "too many program headers";
    case ElfErrorCode::ProgramHeadersOverflow:
        return "program header table offset overflows";
    case ElfErrorCode::ProgramHeadersOutOfBounds:
        return "program header table extends past the end of the file";
    case ElfErrorCode::SegmentOutOfFile:
        return "segment extends past the end of the file";
    case ElfErrorCode::SegmentFileSizeTooLarge:
        return "segment file size exceeds its memory size";
    case ElfErrorCode::SegmentBadAlignment:
        return "segment alignment is not a power of two";
    case ElfErrorCode::SegmentMisaligned:
        return "segment address and file offset disagree modulo the page size or alignment";
    case ElfErrorCode::SegmentAddressOverflow:
        return "segment address range overflows or leaves the user address space";
    case ElfErrorCode::SegmentsOverlap:
        return "PT_LOAD segments overlap";
    case ElfErrorCode::SegmentsOutOfOrder:
        return "PT_LOAD segments are not sorted by address";
    case ElfErrorCode::NoLoadSegments:
        return "no PT_LOAD segments";
    case ElfErrorCode::DuplicateSegment:
        return "duplicate segment";
    case ElfErrorCode::InterpBadLength:
        return "PT_INTERP path is empty or too long";
    case ElfErrorCode::InterpNotTerminated:
        return "PT_INTERP path is not NUL-terminated";
    case ElfErrorCode::EntryNotExecutable:
        return "entry point is not inside an executable segment";
    case ElfErrorCode::DynamicBadSize:
        return "PT_DYNAMIC size is not a multiple of 16 bytes";
    case ElfErrorCode::DynamicTooLarge:
        return "too many dynamic entries";
    case ElfErrorCode::DynamicNotTerminated:
        return "dynamic section has no DT_NULL";
    case ElfErrorCode::DynamicDuplicateTag:
        return "duplicate dynamic entry";
    case ElfErrorCode::DynamicNoStringTable:
        return "dynamic strings without DT_STRTAB and DT_STRSZ";
    case ElfErrorCode::StringTableNotMapped:
        return "dynamic string table is not inside a loaded segment";
    case ElfErrorCode::DynamicStringOutOfBounds:
        return "dynamic string offset is outside the string table";
    case ElfErrorCode::DynamicStringNotTerminated:
        return "dynamic string is not NUL-terminated";
    case ElfErrorCode::BeyondBuffer:
        return "ELF data needed lies beyond the bytes read";
    }
    return "unknown ELF error";
}

const char* elf_error_name(ElfErrorCode code) {
    switch (code) {
#define OPS_ELF_ERROR_NAME(name)                                                                   \
    case ElfErrorCode::name:                                                                       \
        return #name;
        OPS_ELF_ERROR_NAME(Ok)
        OPS_ELF_ERROR_NAME(NotElf)
        OPS_ELF_ERROR_NAME(TruncatedHeader)
        OPS_ELF_ERROR_NAME(Elf32)
        OPS_ELF_ERROR_NAME(BadClass)
        OPS_ELF_ERROR_NAME(BigEndian)
        OPS_ELF_ERROR_NAME(BadDataEncoding)
        OPS_ELF_ERROR_NAME(BadVersion)
        OPS_ELF_ERROR_NAME(UnsupportedOsAbi)
        OPS_ELF_ERROR_NAME(NotX86_64)
        OPS_ELF_ERROR_NAME(NotExecutable)
        OPS_ELF_ERROR_NAME(BadHeaderSize)
        OPS_ELF_ERROR_NAME(BadProgramHeaderSize)
        OPS_ELF_ERROR_NAME(NoProgramHeaders)
        OPS_ELF_ERROR_NAME(TooManyProgramHeaders)
        OPS_ELF_ERROR_NAME(ProgramHeadersOverflow)
        OPS_ELF_ERROR_NAME(ProgramHeadersOutOfBounds)
        OPS_ELF_ERROR_NAME(SegmentOutOfFile)
        OPS_ELF_ERROR_NAME(SegmentFileSizeTooLarge)
        OPS_ELF_ERROR_NAME(SegmentBadAlignment)
        OPS_ELF_ERROR_NAME(SegmentMisaligned)
        OPS_ELF_ERROR_NAME(SegmentAddressOverflow)
        OPS_ELF_ERROR_NAME(SegmentsOverlap)
        OPS_ELF_ERROR_NAME(SegmentsOutOfOrder)
        OPS_ELF_ERROR_NAME(NoLoadSegments)
        OPS_ELF_ERROR_NAME(DuplicateSegment)
        OPS_ELF_ERROR_NAME(InterpBadLength)
        OPS_ELF_ERROR_NAME(InterpNotTerminated)
        OPS_ELF_ERROR_NAME(EntryNotExecutable)
        OPS_ELF_ERROR_NAME(DynamicBadSize)
        OPS_ELF_ERROR_NAME(DynamicTooLarge)
        OPS_ELF_ERROR_NAME(DynamicNotTerminated)
        OPS_ELF_ERROR_NAME(DynamicDuplicateTag)
        OPS_ELF_ERROR_NAME(DynamicNoStringTable)
        OPS_ELF_ERROR_NAME(StringTableNotMapped)
        OPS_ELF_ERROR_NAME(DynamicStringOutOfBounds)
        OPS_ELF_ERROR_NAME(DynamicStringNotTerminated)
        OPS_ELF_ERROR_NAME(BeyondBuffer)
#undef OPS_ELF_ERROR_NAME
    }
    return "Unknown";
}

const char* elf_machine_name(uint16_t machine) {
    switch (machine) {
    case EM_386:
        return "i386";
    case EM_MIPS:
        return "mips";
    case EM_PPC:
        return "powerpc";
    case EM_PPC64:
        return "powerpc64";
    case EM_S390:
        return "s390";
    case EM_ARM:
        return "arm";
    case EM_SPARCV9:
        return "sparc64";
    case EM_IA_64:
        return "ia64";
    case EM_X86_64:
        return "x86-64";
    case EM_AARCH64:
        return "aarch64";
    case EM_RISCV:
        return "riscv";
    case EM_LOONGARCH:
        return "loongarch";
    default:
        return nullptr;
    }
}

const char* elf_type_name(uint16_t type) {
    switch (type) {
    case ET_NONE:
        return "ET_NONE (no file type)";
    case ET_REL:
        return "ET_REL (relocatable object)";
    case ET_EXEC:
        return "ET_EXEC (executable)";
    case ET_DYN:
        return "ET_DYN (position-independent executable or shared object)";
    case ET_CORE:
        return "ET_CORE (core dump)";
    default:
        return nullptr;
    }
}

size_t format_elf_error(const ElfError& error, char* out, size_t capacity) {
    TextWriter w(out, capacity);
    if (error.index != ElfError::kNoIndex) {
        w.put("program header ");
        w.put_decimal(error.index);
        w.put(": ");
    }
    w.put(elf_error_message(error.code));
    uint64_t v = error.value;
    switch (error.code) {
    case ElfErrorCode::Elf32:
    case ElfErrorCode::NotX86_64: {
        if (v > UINT16_MAX)
            break;
        const char* name = elf_machine_name(uint16_t(v));
        w.put(error.code == ElfErrorCode::Elf32 ? " (machine " : ": machine is ");
        w.put(name ? name : "unknown");
        w.put(error.code == ElfErrorCode::Elf32 ? ", e_machine " : " (e_machine ");
        w.put_decimal(v);
        w.put(")");
        break;
    }
    case ElfErrorCode::NotExecutable: {
        const char* name = v <= UINT16_MAX ? elf_type_name(uint16_t(v)) : nullptr;
        w.put(": ELF type is ");
        if (name) {
            w.put(name);
        } else {
            w.put("unknown ");
            w.put_hex(v);
        }
        break;
    }
    case ElfErrorCode::TruncatedHeader:
        w.put(": the file is only ");
        w.put_decimal(v);
        w.put(" bytes");
        break;
    case ElfErrorCode::TooManyProgramHeaders:
        w.put(": ");
        w.put_decimal(v);
        w.put(" (limit ");
        w.put_decimal(kMaxProgramHeaders);
        w.put(")");
        break;
    case ElfErrorCode::DynamicTooLarge:
        w.put(": ");
        w.put_decimal(v);
        w.put(" (limit ");
        w.put_decimal(kMaxDynamicEntries);
        w.put(")");
        break;
    case ElfErrorCode::DuplicateSegment:
        w.put(": second ");
        w.put(segment_type_name(v));
        break;
    case ElfErrorCode::DynamicDuplicateTag:
        w.put(": second ");
        w.put(dynamic_tag_name(v));
        break;
    case ElfErrorCode::BadClass:
    case ElfErrorCode::BadDataEncoding:
    case ElfErrorCode::BadVersion:
    case ElfErrorCode::UnsupportedOsAbi:
    case ElfErrorCode::BadHeaderSize:
    case ElfErrorCode::BadProgramHeaderSize:
    case ElfErrorCode::SegmentBadAlignment:
    case ElfErrorCode::InterpBadLength:
    case ElfErrorCode::DynamicBadSize:
        w.put(" (");
        w.put_decimal(v);
        w.put(")");
        break;
    case ElfErrorCode::SegmentOutOfFile:
    case ElfErrorCode::SegmentMisaligned:
    case ElfErrorCode::SegmentAddressOverflow:
    case ElfErrorCode::SegmentsOverlap:
    case ElfErrorCode::SegmentsOutOfOrder:
    case ElfErrorCode::EntryNotExecutable:
    case ElfErrorCode::StringTableNotMapped:
    case ElfErrorCode::DynamicStringOutOfBounds:
    case ElfErrorCode::DynamicStringNotTerminated:
        w.put(" (");
        w.put_hex(v);
        w.put(")");
        break;
    default:
        break;
    }
    return w.finish();
}

} // namespace common::elf
