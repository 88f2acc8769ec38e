// elf_file_test.cpp: ElfFile on real programs (the tests/apps builds, system binaries) and on
// valid hand-crafted files. Rejections are in elf_errors_test.cpp, robustness in
// elf_fuzz_test.cpp.
#include "common/elf/elf_file.h"

#include "elf_test_util.h"

#include <gtest/gtest.h>

#include <dirent.h>

#include <string>
#include <vector>

namespace common::elf {
namespace {

using testing::read_app;
using testing::read_whole_file;
using testing::TestElf;

ElfFile parse_ok(const std::vector<uint8_t>& bytes) {
    ElfFile file;
    ElfError error = ElfFile::parse(Bytes(bytes.data(), bytes.size()), &file);
    EXPECT_TRUE(error.ok()) << elf_error_name(error.code) << " index " << error.index;
    return file;
}

size_t count_type(const ElfFile& file, uint32_t type) {
    size_t n = 0;
    for (Elf64Phdr ph : file.program_headers())
        n += ph.p_type == type;
    return n;
}

TEST(ElfFile, HandCraftedStaticExecutable) {
    TestElf elf;
    std::vector<uint8_t> bytes = elf.bytes();
    ElfFile file = parse_ok(bytes);
    EXPECT_EQ(file.type(), ET_EXEC);
    EXPECT_EQ(file.link_kind(), LinkKind::Static);
    EXPECT_STREQ(link_kind_name(file.link_kind()), "static");
    EXPECT_EQ(file.entry(), 0x400100u);
    EXPECT_EQ(file.program_header_count(), 3u);
    EXPECT_EQ(file.interpreter(), nullptr);
    EXPECT_EQ(file.tls(), nullptr);
    EXPECT_EQ(file.dynamic(), nullptr);
    EXPECT_TRUE(file.has_gnu_stack());
    EXPECT_FALSE(file.stack_executable());
    EXPECT_EQ(file.load_span().low, 0x400000u);
    EXPECT_EQ(file.load_span().high, 0x403000u);
    EXPECT_EQ(file.load_span().size(), 0x3000u);
    EXPECT_TRUE(file.check_entry().ok());

    uint64_t offset = 0, available = 0;
    ASSERT_TRUE(file.file_offset_of(0x401010, &offset, &available));
    EXPECT_EQ(offset, 0x1010u);
    EXPECT_EQ(available, 0x7f0u);
    // Inside the data segment's memory but past its file part (the .bss).
    EXPECT_FALSE(file.file_offset_of(0x401900, &offset, &available));
    EXPECT_FALSE(file.file_offset_of(0x100, &offset, &available));
}

TEST(ElfFile, HandCraftedDynamicPie) {
    TestElf elf = testing::dynamic_pie();
    std::vector<uint8_t> bytes = elf.bytes();
    ElfFile file = parse_ok(bytes);
    EXPECT_EQ(file.link_kind(), LinkKind::Dynamic);
    EXPECT_TRUE(file.is_pie());
    ASSERT_NE(file.interpreter(), nullptr);
    EXPECT_EQ(std::string(file.interpreter()), "/lib64/ld-linux-x86-64.so.2");
    EXPECT_EQ(file.interpreter_length(), 27u);
    EXPECT_EQ(file.load_span().low, 0u);
}

TEST(ElfFile, NoGnuStackMeansExecutableStackAndTlsIsReported) {
    TestElf elf;
    elf.phdrs[2] = Elf64Phdr{PT_TLS, PF_R, 0x1100, 0x401100, 0x401100, 0x10, 0x40, 8};
    std::vector<uint8_t> bytes = elf.bytes();
    ElfFile file = parse_ok(bytes);
    EXPECT_FALSE(file.has_gnu_stack());
    EXPECT_TRUE(file.stack_executable());
    ASSERT_NE(file.tls(), nullptr);
    EXPECT_EQ(file.tls()->p_memsz, 0x40u);
    EXPECT_EQ(file.tls()->p_align, 8u);
}

TEST(ElfFile, PrefixParseNeedsOnlyTheHeaders) {
    TestElf elf;
    std::vector<uint8_t> bytes = elf.bytes();
    ElfFile file;
    // The headers fit in the first 512 bytes; the segments are checked against the file size.
    ElfError error = ElfFile::parse(Bytes(bytes.data(), 512), bytes.size(), &file);
    ASSERT_TRUE(error.ok()) << elf_error_name(error.code);
    EXPECT_EQ(file.file_size(), bytes.size());
    EXPECT_EQ(file.data().size(), 512u);

    error = ElfFile::parse(Bytes(bytes.data(), 100), bytes.size(), &file);
    EXPECT_EQ(error.code, ElfErrorCode::BeyondBuffer);
    // A "file size" smaller than the buffer is believed: the buffer is cut to it.
    error = ElfFile::parse(Bytes(bytes.data(), bytes.size()), 40, &file);
    EXPECT_EQ(error.code, ElfErrorCode::TruncatedHeader);
}

// --- The guest programs from tests/apps -----------------------------------------------------

struct AppCase {
    const char* name;
    uint16_t type;
    LinkKind kind;
};

class AppBinary : public ::testing::TestWithParam<AppCase> {};

TEST_P(AppBinary, ParsesWithTheExpectedShape) {
    const AppCase& app = GetParam();
    auto bytes = read_app(app.name);
    if (!bytes)
        GTEST_SKIP() << app.name << " not built (ninja apps)";
    ElfFile file = parse_ok(*bytes);
    EXPECT_EQ(file.type(), app.type);
    EXPECT_EQ(file.link_kind(), app.kind);
    EXPECT_EQ(file.interpreter(), nullptr);
    EXPECT_TRUE(file.check_entry().ok());
    EXPECT_GE(file.entry(), file.load_span().low);
    EXPECT_LT(file.entry(), file.load_span().high);
    EXPECT_TRUE(file.has_gnu_stack());
    EXPECT_FALSE(file.stack_executable());
    EXPECT_GE(count_type(file, PT_LOAD), 2u);
    if (app.type == ET_EXEC) {
        EXPECT_EQ(file.load_span().low, 0x400000u);
    } else {
        EXPECT_EQ(file.load_span().low, 0u);
        EXPECT_NE(file.dynamic(), nullptr);
    }
    // glibc always has thread-local storage (errno); hello with musl has none.
    if (std::string(app.name).find("musl") == std::string::npos) {
        EXPECT_NE(file.tls(), nullptr);
    }
}

INSTANTIATE_TEST_SUITE_P(Apps, AppBinary,
                         ::testing::Values(AppCase{"hello-static", ET_EXEC, LinkKind::Static},
                                           AppCase{"hello-static-pie", ET_DYN, LinkKind::StaticPie},
                                           AppCase{"hello-musl", ET_EXEC, LinkKind::Static},
                                           AppCase{"syscalls-static", ET_EXEC, LinkKind::Static},
                                           AppCase{"syscalls-static-pie", ET_DYN,
                                                   LinkKind::StaticPie},
                                           AppCase{"syscalls-musl", ET_EXEC, LinkKind::Static}),
                         [](const ::testing::TestParamInfo<AppCase>& info) {
                             std::string name = info.param.name;
                             for (char& c : name)
                                 if (c == '-')
                                     c = '_';
                             return name;
                         });

// --- System binaries ------------------------------------------------------------------------

TEST(ElfFile, BinLsIsDynamic) {
    auto bytes = read_whole_file("/bin/ls");
    ASSERT_TRUE(bytes) << "/bin/ls missing";
    ElfFile file = parse_ok(*bytes);
    EXPECT_EQ(file.type(), ET_DYN);
    EXPECT_EQ(file.link_kind(), LinkKind::Dynamic);
    EXPECT_STREQ(link_kind_name(file.link_kind()), "dynamic");
    ASSERT_NE(file.interpreter(), nullptr);
    EXPECT_EQ(std::string(file.interpreter()), "/lib64/ld-linux-x86-64.so.2");
    EXPECT_NE(file.dynamic(), nullptr);
    EXPECT_TRUE(file.check_entry().ok());
}

TEST(ElfFile, TheDynamicLoaderItselfIsStaticPie) {
    auto bytes = read_whole_file("/lib64/ld-linux-x86-64.so.2");
    if (!bytes)
        GTEST_SKIP() << "no glibc loader here";
    ElfFile file = parse_ok(*bytes);
    EXPECT_EQ(file.link_kind(), LinkKind::StaticPie);
}

// Every x86-64 ELF executable and library on this system parses. This is the check that the
// bounds are not stricter than what Linux and the linkers produce. Like the kernel, it reads
// only the first 64 KiB and checks the segments against the real file size.
TEST(ElfFile, EverySystemElfParsesFromItsFirst64KiB) {
    size_t parsed = 0;
    for (const char* dir : {"/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu"}) {
        DIR* d = opendir(dir);
        if (!d)
            continue;
        while (dirent* entry = readdir(d)) {
            std::string path = std::string(dir) + "/" + entry->d_name;
            uint64_t size = 0;
            auto bytes = testing::read_file_prefix(path, 65536, &size);
            if (!bytes || bytes->size() < 20 || (*bytes)[0] != 0x7f || (*bytes)[1] != 'E' ||
                (*bytes)[4] != ELFCLASS64 || (*bytes)[18] != EM_X86_64)
                continue;
            uint16_t type = uint16_t((*bytes)[16] | ((*bytes)[17] << 8));
            if (type != ET_EXEC && type != ET_DYN)
                continue;
            ElfFile file;
            ElfError error = ElfFile::parse(Bytes(bytes->data(), bytes->size()), size, &file);
            if (error.code == ElfErrorCode::BeyondBuffer) {
                // PT_INTERP sits far into the file (libc.so.6 has it at 1.6 MiB): read up to
                // where the parser asked and retry, as the kernel does.
                ASSERT_GT(error.value, bytes->size()) << path;
                bytes = testing::read_file_prefix(path, error.value, &size);
                ASSERT_TRUE(bytes);
                error = ElfFile::parse(Bytes(bytes->data(), bytes->size()), size, &file);
            }
            EXPECT_TRUE(error.ok()) << path << ": " << elf_error_name(error.code);
            parsed++;
        }
        closedir(d);
    }
    EXPECT_GT(parsed, 50u);
}

} // namespace
} // namespace common::elf
