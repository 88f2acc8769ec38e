// elf_error_test.cpp: the names and messages users see for ElfErrorCode.
#include "common/elf/elf_error.h"

#include "common/elf/elf_types.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace common::elf {
namespace {

std::string format(ElfError error, size_t capacity = 256) {
    std::string out(capacity, '\xff');
    size_t length = format_elf_error(error, out.data(), capacity);
    EXPECT_EQ(out[length], '\0');
    out.resize(length);
    return out;
}

TEST(ElfError, MachineIsNamed) {
    EXPECT_EQ(format(elf_error(ElfErrorCode::NotX86_64, EM_AARCH64)),
              "not an x86-64 ELF: machine is aarch64 (e_machine 183)");
    EXPECT_EQ(format(elf_error(ElfErrorCode::NotX86_64, 9999)),
              "not an x86-64 ELF: machine is unknown (e_machine 9999)");
    EXPECT_EQ(format(elf_error(ElfErrorCode::Elf32, EM_386)),
              "32-bit ELF; only 64-bit x86-64 programs are supported (machine i386, e_machine 3)");
    EXPECT_EQ(format(elf_error(ElfErrorCode::Elf32, UINT64_MAX)),
              "32-bit ELF; only 64-bit x86-64 programs are supported");
    EXPECT_STREQ(elf_machine_name(EM_ARM), "arm");
    EXPECT_STREQ(elf_machine_name(EM_RISCV), "riscv");
    EXPECT_EQ(elf_machine_name(1234), nullptr);
}

TEST(ElfError, TypeIsNamed) {
    EXPECT_EQ(format(elf_error(ElfErrorCode::NotExecutable, ET_REL)),
              "not an executable: ELF type is ET_REL (relocatable object)");
    EXPECT_EQ(format(elf_error(ElfErrorCode::NotExecutable, ET_CORE)),
              "not an executable: ELF type is ET_CORE (core dump)");
    EXPECT_EQ(format(elf_error(ElfErrorCode::NotExecutable, 0xfe00)),
              "not an executable: ELF type is unknown 0xfe00");
}

TEST(ElfError, BoundsAndIndexesAreNamed) {
    EXPECT_EQ(format(elf_error(ElfErrorCode::TooManyProgramHeaders, 2000)),
              "too many program headers: 2000 (limit 1170)");
    EXPECT_EQ(format(elf_error(ElfErrorCode::DynamicTooLarge, 5000)),
              "too many dynamic entries: 5000 (limit 4096)");
    EXPECT_EQ(format(elf_error(ElfErrorCode::SegmentOutOfFile, 0x1000, 3)),
              "program header 3: segment extends past the end of the file (0x1000)");
    EXPECT_EQ(format(elf_error(ElfErrorCode::DuplicateSegment, PT_INTERP, 4)),
              "program header 4: duplicate segment: second PT_INTERP");
    EXPECT_EQ(format(elf_error(ElfErrorCode::DynamicDuplicateTag, DT_RUNPATH)),
              "duplicate dynamic entry: second DT_RUNPATH");
    EXPECT_EQ(format(elf_error(ElfErrorCode::TruncatedHeader, 40)),
              "truncated ELF header: the file is only 40 bytes");
    EXPECT_EQ(format(elf_error(ElfErrorCode::NotElf)), "not an ELF file (bad magic)");
}

TEST(ElfError, FormattingTruncatesSafely) {
    EXPECT_EQ(format(elf_error(ElfErrorCode::NotX86_64, EM_AARCH64), 10), "not an x8");
    EXPECT_EQ(format(elf_error(ElfErrorCode::NotElf), 1), "");
    EXPECT_EQ(format_elf_error(elf_error(ElfErrorCode::NotElf), nullptr, 0), 0u);
}

TEST(ElfError, EveryCodeHasADistinctNameAndMessage) {
    std::set<std::string> names, messages;
    for (int code = 0; code <= int(ElfErrorCode::BeyondBuffer); code++) {
        std::string name = elf_error_name(ElfErrorCode(code));
        std::string message = elf_error_message(ElfErrorCode(code));
        EXPECT_NE(name, "Unknown") << code;
        EXPECT_NE(message, "unknown ELF error") << code;
        EXPECT_TRUE(names.insert(name).second) << name;
        EXPECT_TRUE(messages.insert(message).second) << message;
    }
}

} // namespace
} // namespace common::elf
