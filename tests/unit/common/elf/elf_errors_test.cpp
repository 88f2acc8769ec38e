// elf_errors_test.cpp: one hand-crafted hostile or truncated file per rejection, checking the
// exact ElfErrorCode (and index/value where it names one), plus a check that every code in
// ElfErrorCode is produced by at least one case.
#include "common/elf/elf_dynamic.h"
#include "common/elf/elf_file.h"

#include "elf_test_util.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace common::elf {
namespace {

using testing::dyn_string;
using testing::dynamic_pie;
using testing::kDynStrings;
using testing::kDynStringsOffset;
using testing::set_dynamic;
using testing::TestElf;
using testing::usual_dynamic;

// Which API is expected to reject the file.
enum class Stage { Parse, Entry, Dynamic };

struct Case {
    std::string name;
    std::function<std::vector<uint8_t>()> make;
    ElfErrorCode expected;
    Stage stage = Stage::Parse;
    uint32_t index = ElfError::kNoIndex; // checked when not kNoIndex
    uint64_t value = UINT64_MAX;         // checked when not UINT64_MAX
};

std::vector<uint8_t> with(const std::function<void(TestElf&)>& change) {
    TestElf elf;
    change(elf);
    return elf.bytes();
}

std::vector<uint8_t> with_dynamic(const std::vector<std::pair<int64_t, uint64_t>>& entries,
                                  const std::function<void(TestElf&)>& change = {}) {
    TestElf elf = dynamic_pie();
    set_dynamic(elf, entries);
    if (change)
        change(elf);
    return elf.bytes();
}

std::vector<uint8_t> truncated(size_t size) {
    std::vector<uint8_t> bytes = TestElf().bytes();
    bytes.resize(size);
    return bytes;
}

// A minimal ELF32 header as `gcc -m32` would write it (no multilib here to build a real one).
std::vector<uint8_t> elf32_header(uint16_t machine) {
    std::vector<uint8_t> bytes(kElf32EhdrSize, 0);
    const uint8_t ident[] = {0x7f, 'E', 'L', 'F', ELFCLASS32, ELFDATA2LSB, EV_CURRENT};
    std::copy(std::begin(ident), std::end(ident), bytes.begin());
    bytes[16] = ET_EXEC;
    bytes[18] = uint8_t(machine);
    bytes[19] = uint8_t(machine >> 8);
    bytes[20] = EV_CURRENT;
    return bytes;
}

ElfError run(const Case& c) {
    std::vector<uint8_t> bytes = c.make();
    ElfFile file;
    ElfError error = ElfFile::parse(Bytes(bytes.data(), bytes.size()), &file);
    if (!error.ok() || c.stage == Stage::Parse)
        return error;
    if (c.stage == Stage::Entry)
        return file.check_entry();
    DynamicSection dynamic;
    return DynamicSection::parse(file, &dynamic);
}

std::vector<Case> all_cases() {
    const uint32_t no_index = ElfError::kNoIndex;
    std::string text = "#!/bin/sh\necho this is a text file\n";
    return {
        {"text file", [=] { return std::vector<uint8_t>(text.begin(), text.end()); },
         ElfErrorCode::NotElf},
        {"empty file", [] { return std::vector<uint8_t>(); }, ElfErrorCode::NotElf},
        {"three bytes of magic", [] { return truncated(3); }, ElfErrorCode::NotElf},
        {"ident cut short", [] { return truncated(10); }, ElfErrorCode::TruncatedHeader},
        {"header cut short", [] { return truncated(40); }, ElfErrorCode::TruncatedHeader,
         Stage::Parse, no_index, 40},
        {"32-bit i386", [] { return elf32_header(EM_386); }, ElfErrorCode::Elf32, Stage::Parse,
         no_index, EM_386},
        {"class 7", [] { return with([](TestElf& e) { e.header.e_ident[kIdentClass] = 7; }); },
         ElfErrorCode::BadClass, Stage::Parse, no_index, 7},
        {"big-endian",
         [] { return with([](TestElf& e) { e.header.e_ident[kIdentData] = ELFDATA2MSB; }); },
         ElfErrorCode::BigEndian},
        {"data encoding 0",
         [] { return with([](TestElf& e) { e.header.e_ident[kIdentData] = 0; }); },
         ElfErrorCode::BadDataEncoding},
        {"ident version 0",
         [] { return with([](TestElf& e) { e.header.e_ident[kIdentVersion] = 0; }); },
         ElfErrorCode::BadVersion},
        {"e_version 2", [] { return with([](TestElf& e) { e.header.e_version = 2; }); },
         ElfErrorCode::BadVersion, Stage::Parse, no_index, 2},
        {"FreeBSD OS ABI",
         [] { return with([](TestElf& e) { e.header.e_ident[kIdentOsAbi] = 9; }); },
         ElfErrorCode::UnsupportedOsAbi, Stage::Parse, no_index, 9},
        {"aarch64", [] { return with([](TestElf& e) { e.header.e_machine = EM_AARCH64; }); },
         ElfErrorCode::NotX86_64, Stage::Parse, no_index, EM_AARCH64},
        {"relocatable object", [] { return with([](TestElf& e) { e.header.e_type = ET_REL; }); },
         ElfErrorCode::NotExecutable, Stage::Parse, no_index, ET_REL},
        {"core dump", [] { return with([](TestElf& e) { e.header.e_type = ET_CORE; }); },
         ElfErrorCode::NotExecutable, Stage::Parse, no_index, ET_CORE},
        {"e_ehsize 52", [] { return with([](TestElf& e) { e.header.e_ehsize = 52; }); },
         ElfErrorCode::BadHeaderSize, Stage::Parse, no_index, 52},
        {"e_phentsize 32", [] { return with([](TestElf& e) { e.header.e_phentsize = 32; }); },
         ElfErrorCode::BadProgramHeaderSize, Stage::Parse, no_index, 32},
        {"no program headers",
         [] {
             return with([](TestElf& e) {
                 e.phdrs.clear();
                 e.keep_phnum();
             });
         },
         ElfErrorCode::NoProgramHeaders},
        {"2000 program headers", [] { return with([](TestElf& e) { e.header.e_phnum = 2000; }); },
         ElfErrorCode::TooManyProgramHeaders, Stage::Parse, no_index, 2000},
        {"PN_XNUM", [] { return with([](TestElf& e) { e.header.e_phnum = 0xffff; }); },
         ElfErrorCode::TooManyProgramHeaders},
        {"e_phoff wraps",
         [] { return with([](TestElf& e) { e.header.e_phoff = UINT64_MAX - 10; }); },
         ElfErrorCode::ProgramHeadersOverflow},
        {"table past the end",
         [] { return with([](TestElf& e) { e.header.e_phoff = 0x2000 - 100; }); },
         ElfErrorCode::ProgramHeadersOutOfBounds},
        {"table in a file cut after the header", [] { return truncated(64 + 56); },
         ElfErrorCode::ProgramHeadersOutOfBounds},
        {"segment past the end",
         [] { return with([](TestElf& e) { e.phdrs[1].p_filesz = 0x1001; }); },
         ElfErrorCode::SegmentOutOfFile, Stage::Parse, 1},
        {"segment offset wraps",
         [] {
             return with([](TestElf& e) {
                 e.phdrs[2].p_offset = UINT64_MAX;
                 e.phdrs[2].p_filesz = 2;
             });
         },
         ElfErrorCode::SegmentOutOfFile, Stage::Parse, 2},
        {"p_filesz > p_memsz", [] { return with([](TestElf& e) { e.phdrs[1].p_memsz = 0x100; }); },
         ElfErrorCode::SegmentFileSizeTooLarge, Stage::Parse, 1},
        {"p_align 3000", [] { return with([](TestElf& e) { e.phdrs[0].p_align = 3000; }); },
         ElfErrorCode::SegmentBadAlignment, Stage::Parse, 0, 3000},
        {"vaddr not page-congruent with offset",
         [] { return with([](TestElf& e) { e.phdrs[0].p_vaddr += 0x10; }); },
         ElfErrorCode::SegmentMisaligned, Stage::Parse, 0},
        {"vaddr not congruent modulo p_align",
         [] { return with([](TestElf& e) { e.phdrs[1].p_align = 0x800000; }); },
         ElfErrorCode::SegmentMisaligned, Stage::Parse, 1},
        {"vaddr + memsz wraps",
         [] {
             return with([](TestElf& e) {
                 e.phdrs[1].p_vaddr = UINT64_MAX - 0xfff;
                 e.phdrs[1].p_offset = 0x1000;
             });
         },
         ElfErrorCode::SegmentAddressOverflow, Stage::Parse, 1},
        {"segment in the kernel half",
         [] { return with([](TestElf& e) { e.phdrs[1].p_vaddr = 0xffff800000001000; }); },
         ElfErrorCode::SegmentAddressOverflow, Stage::Parse, 1},
        {"segment ending past 2^47",
         [] { return with([](TestElf& e) { e.phdrs[1].p_vaddr = kUserAddressLimit - 0x1000; }); },
         ElfErrorCode::SegmentAddressOverflow, Stage::Parse, 1},
        {"PT_LOADs overlap", [] { return with([](TestElf& e) { e.phdrs[1].p_vaddr = 0x400000; }); },
         ElfErrorCode::SegmentsOverlap, Stage::Parse, 1},
        {"PT_LOADs out of order",
         [] { return with([](TestElf& e) { e.phdrs[1].p_vaddr = 0x301000; }); },
         ElfErrorCode::SegmentsOutOfOrder, Stage::Parse, 1},
        {"no PT_LOAD",
         [] {
             return with([](TestElf& e) {
                 e.phdrs[0].p_type = PT_NOTE;
                 e.phdrs[1].p_type = PT_NOTE;
             });
         },
         ElfErrorCode::NoLoadSegments},
        {"two PT_INTERP",
         [] {
             return with([](TestElf& e) {
                 e.add_interp("/lib/ld.so", 0x200);
                 e.add_interp("/lib/ld.so", 0x300);
             });
         },
         ElfErrorCode::DuplicateSegment, Stage::Parse, 4, PT_INTERP},
        {"two PT_GNU_STACK", [] { return with([](TestElf& e) { e.phdrs.push_back(e.phdrs[2]); }); },
         ElfErrorCode::DuplicateSegment, Stage::Parse, 3, PT_GNU_STACK},
        {"two PT_TLS",
         [] {
             return with([](TestElf& e) {
                 Elf64Phdr tls{PT_TLS, PF_R, 0x1000, 0x401000, 0x401000, 8, 16, 8};
                 e.phdrs.push_back(tls);
                 e.phdrs.push_back(tls);
             });
         },
         ElfErrorCode::DuplicateSegment, Stage::Parse, 4, PT_TLS},
        {"two PT_DYNAMIC",
         [] {
             return with_dynamic(usual_dynamic(),
                                 [](TestElf& e) { e.phdrs.push_back(e.phdrs.back()); });
         },
         ElfErrorCode::DuplicateSegment, Stage::Parse, 5, PT_DYNAMIC},
        {"empty PT_INTERP", [] { return with([](TestElf& e) { e.add_interp(""); }); },
         ElfErrorCode::InterpBadLength, Stage::Parse, 3, 1},
        {"PT_INTERP longer than PATH_MAX",
         [] {
             return with([](TestElf& e) {
                 e.file_size = 0x3000;
                 e.add_interp(std::string(5000, 'a'), 0x1000);
             });
         },
         ElfErrorCode::InterpBadLength, Stage::Parse, 3, 5001},
        {"PT_INTERP without NUL",
         [] {
             return with([](TestElf& e) {
                 e.add_interp("/lib/ld.so");
                 e.phdrs.back().p_filesz -= 1;
             });
         },
         ElfErrorCode::InterpNotTerminated, Stage::Parse, 3},
        {"PT_INTERP with an embedded NUL",
         [] {
             return with([](TestElf& e) {
                 e.add_interp("/lib/ld.so");
                 e.patch(0x204, {0});
             });
         },
         ElfErrorCode::InterpNotTerminated, Stage::Parse, 3, 4},
        {"entry in the data segment",
         [] { return with([](TestElf& e) { e.header.e_entry = 0x401100; }); },
         ElfErrorCode::EntryNotExecutable, Stage::Entry, no_index, 0x401100},
        {"entry 0", [] { return with([](TestElf& e) { e.header.e_entry = 0; }); },
         ElfErrorCode::EntryNotExecutable, Stage::Entry},
        {"PT_DYNAMIC of 20 bytes",
         [] {
             return with_dynamic(usual_dynamic(), [](TestElf& e) { e.phdrs.back().p_filesz = 20; });
         },
         ElfErrorCode::DynamicBadSize, Stage::Dynamic, no_index, 20},
        {"5000 dynamic entries",
         [] {
             return with_dynamic(usual_dynamic(), [](TestElf& e) {
                 e.file_size = 0x1000 + 5000 * 16;
                 e.phdrs[1].p_filesz = 5000 * 16;
                 e.phdrs[1].p_memsz = 5000 * 16;
                 e.phdrs.back().p_filesz = 5000 * 16;
             });
         },
         ElfErrorCode::DynamicTooLarge, Stage::Dynamic, no_index, 5000},
        {"no DT_NULL",
         [] {
             return with_dynamic({{DT_NEEDED, 1}, {DT_STRTAB, 0x300}, {DT_STRSZ, 10}});
         },
         ElfErrorCode::DynamicNotTerminated, Stage::Dynamic},
        {"two DT_STRTAB",
         [] {
             return with_dynamic({{DT_STRTAB, 0x300}, {DT_STRTAB, 0x300}, {DT_NULL, 0}});
         },
         ElfErrorCode::DynamicDuplicateTag, Stage::Dynamic, no_index, uint64_t(DT_STRTAB)},
        {"two DT_RUNPATH",
         [] {
             return with_dynamic({{DT_RUNPATH, 1}, {DT_RUNPATH, 1}, {DT_NULL, 0}});
         },
         ElfErrorCode::DynamicDuplicateTag, Stage::Dynamic, no_index, uint64_t(DT_RUNPATH)},
        {"DT_NEEDED without DT_STRTAB",
         [] {
             return with_dynamic({{DT_NEEDED, 1}, {DT_STRSZ, 10}, {DT_NULL, 0}});
         },
         ElfErrorCode::DynamicNoStringTable, Stage::Dynamic},
        {"DT_STRTAB at an unmapped address",
         [] {
             return with_dynamic(
                 {{DT_NEEDED, 1}, {DT_STRTAB, 0x900000}, {DT_STRSZ, 10}, {DT_NULL, 0}});
         },
         ElfErrorCode::StringTableNotMapped, Stage::Dynamic, no_index, 0x900000},
        {"DT_STRSZ past the segment's file part",
         [] {
             return with_dynamic(
                 {{DT_NEEDED, 1}, {DT_STRTAB, 0x300}, {DT_STRSZ, 0x10000}, {DT_NULL, 0}});
         },
         ElfErrorCode::StringTableNotMapped, Stage::Dynamic},
        {"DT_STRTAB in .bss",
         [] {
             return with_dynamic(
                 {{DT_NEEDED, 1}, {DT_STRTAB, 0x2000}, {DT_STRSZ, 16}, {DT_NULL, 0}});
         },
         ElfErrorCode::StringTableNotMapped, Stage::Dynamic},
        {"DT_NEEDED past DT_STRSZ",
         [] {
             return with_dynamic({{DT_NEEDED, kDynStrings.size()},
                                  {DT_STRTAB, kDynStringsOffset},
                                  {DT_STRSZ, kDynStrings.size()},
                                  {DT_NULL, 0}});
         },
         ElfErrorCode::DynamicStringOutOfBounds, Stage::Dynamic, no_index, kDynStrings.size()},
        {"DT_NEEDED at offset UINT64_MAX",
         [] {
             return with_dynamic({{DT_NEEDED, UINT64_MAX},
                                  {DT_STRTAB, kDynStringsOffset},
                                  {DT_STRSZ, kDynStrings.size()},
                                  {DT_NULL, 0}});
         },
         ElfErrorCode::DynamicStringOutOfBounds, Stage::Dynamic},
        {"DT_SONAME huge offset",
         [] {
             return with_dynamic({{DT_SONAME, UINT64_MAX - 1},
                                  {DT_STRTAB, kDynStringsOffset},
                                  {DT_STRSZ, kDynStrings.size()},
                                  {DT_NULL, 0}});
         },
         ElfErrorCode::DynamicStringOutOfBounds, Stage::Dynamic},
        {"DT_NEEDED running off the table",
         [] {
             // DT_STRSZ cuts "libm.so.6" before its NUL.
             return with_dynamic({{DT_NEEDED, dyn_string("libm.so.6")},
                                  {DT_STRTAB, kDynStringsOffset},
                                  {DT_STRSZ, dyn_string("libm.so.6") + 4},
                                  {DT_NULL, 0}});
         },
         ElfErrorCode::DynamicStringNotTerminated, Stage::Dynamic, no_index,
         dyn_string("libm.so.6")},
        {"DT_RPATH in a table with no NUL at all",
         [] {
             return with_dynamic(
                 {{DT_RPATH, 0}, {DT_STRTAB, kDynStringsOffset + 1}, {DT_STRSZ, 8}, {DT_NULL, 0}});
         },
         ElfErrorCode::DynamicStringNotTerminated, Stage::Dynamic},
    };
}

TEST(ElfErrors, EachHostileFileIsRejectedWithItsCode) {
    for (const Case& c : all_cases()) {
        SCOPED_TRACE(c.name);
        ElfError error = run(c);
        EXPECT_EQ(error.code, c.expected)
            << "got " << elf_error_name(error.code) << ", wanted " << elf_error_name(c.expected);
        if (c.index != ElfError::kNoIndex) {
            EXPECT_EQ(error.index, c.index);
        }
        if (c.value != UINT64_MAX) {
            EXPECT_EQ(error.value, c.value);
        }
    }
}

TEST(ElfErrors, BeyondBufferWhenOnlyAPrefixWasRead) {
    std::vector<uint8_t> bytes = dynamic_pie().bytes();
    ElfFile file;
    // The header and the 4-entry table (0x120 bytes) fit, PT_INTERP at 0x200 does not; the
    // value says how much to read.
    ElfError error = ElfFile::parse(Bytes(bytes.data(), 0x180), bytes.size(), &file);
    EXPECT_EQ(error.code, ElfErrorCode::BeyondBuffer);
    EXPECT_EQ(error.index, 3u);
    EXPECT_EQ(error.value, 0x21cu);
    EXPECT_TRUE(ElfFile::parse(Bytes(bytes.data(), 0x21c), bytes.size(), &file).ok());
    error = ElfFile::parse(Bytes(bytes.data(), 0x100), bytes.size(), &file);
    EXPECT_EQ(error.code, ElfErrorCode::BeyondBuffer);
    EXPECT_EQ(error.value, 0x120u);
    // Just the magic read.
    error = ElfFile::parse(Bytes(bytes.data(), 2), bytes.size(), &file);
    EXPECT_EQ(error.code, ElfErrorCode::BeyondBuffer);

    // The dynamic reader needs the whole file.
    TestElf elf = dynamic_pie();
    set_dynamic(elf, usual_dynamic());
    bytes = elf.bytes();
    ASSERT_TRUE(ElfFile::parse(Bytes(bytes.data(), 0x800), bytes.size(), &file).ok());
    DynamicSection dynamic;
    EXPECT_EQ(DynamicSection::parse(file, &dynamic).code, ElfErrorCode::BeyondBuffer);
}

TEST(ElfErrors, EveryCodeIsReachable) {
    std::set<ElfErrorCode> seen = {ElfErrorCode::Ok, ElfErrorCode::BeyondBuffer};
    for (const Case& c : all_cases())
        seen.insert(c.expected);
    for (int code = 0; code <= int(ElfErrorCode::BeyondBuffer); code++)
        EXPECT_TRUE(seen.count(ElfErrorCode(code)))
            << elf_error_name(ElfErrorCode(code)) << " has no test case";
}

TEST(ElfErrors, ParseLeavesTheOutputAloneOnFailure) {
    std::vector<uint8_t> good = TestElf().bytes();
    ElfFile file;
    ASSERT_TRUE(ElfFile::parse(Bytes(good.data(), good.size()), &file).ok());
    std::vector<uint8_t> bad = with([](TestElf& e) { e.header.e_machine = EM_AARCH64; });
    EXPECT_FALSE(ElfFile::parse(Bytes(bad.data(), bad.size()), &file).ok());
    EXPECT_EQ(file.entry(), 0x400100u);
}

} // namespace
} // namespace common::elf
