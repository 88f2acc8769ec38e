// elf_dynamic_test.cpp: DynamicSection on hand-crafted files, the tests/apps builds and system
// binaries. Its rejections are covered in elf_errors_test.cpp.
#include "common/elf/elf_dynamic.h"

#include "elf_test_util.h"

#include <gtest/gtest.h>

#include <dirent.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace common::elf {
namespace {

using testing::read_app;
using testing::read_whole_file;
using testing::TestElf;

struct Parsed {
    std::vector<uint8_t> bytes;
    ElfFile file;
    DynamicSection dynamic;
};

// Parses both layers, failing the test on any error. Returned by pointer so the views keep
// pointing at `bytes`.
std::unique_ptr<Parsed> parse_all(std::vector<uint8_t> bytes) {
    auto parsed = std::make_unique<Parsed>();
    parsed->bytes = std::move(bytes);
    Bytes data(parsed->bytes.data(), parsed->bytes.size());
    ElfError error = ElfFile::parse(data, &parsed->file);
    EXPECT_TRUE(error.ok()) << elf_error_name(error.code);
    error = DynamicSection::parse(parsed->file, &parsed->dynamic);
    EXPECT_TRUE(error.ok()) << elf_error_name(error.code);
    return parsed;
}

std::vector<std::string> needed_of(const DynamicSection& dynamic) {
    std::vector<std::string> names;
    for (size_t i = 0; i < dynamic.needed_count(); i++)
        names.push_back(dynamic.needed(i));
    return names;
}

TEST(DynamicSection, HandCraftedNeededAndRunpath) {
    TestElf elf = testing::dynamic_pie();
    testing::set_dynamic(elf, testing::usual_dynamic());
    auto p = parse_all(elf.bytes());
    EXPECT_TRUE(p->dynamic.present());
    EXPECT_EQ(p->dynamic.entry_count(), 5u);
    EXPECT_EQ(needed_of(p->dynamic), (std::vector<std::string>{"libc.so.6", "libm.so.6"}));
    ASSERT_NE(p->dynamic.runpath(), nullptr);
    EXPECT_STREQ(p->dynamic.runpath(), "$ORIGIN/../lib");
    EXPECT_EQ(p->dynamic.rpath(), nullptr);
    EXPECT_EQ(p->dynamic.soname(), nullptr);
    EXPECT_EQ(p->dynamic.needed(2), nullptr);
    EXPECT_EQ(p->dynamic.entry(0).d_tag, DT_NEEDED);
}

TEST(DynamicSection, SonameAndRpathAndEntriesAfterNullIgnored) {
    TestElf elf = testing::dynamic_pie();
    using testing::dyn_string;
    testing::set_dynamic(elf, {{DT_SONAME, dyn_string("libtest.so.1")},
                               {DT_RPATH, dyn_string("/opt/rpath")},
                               {DT_STRTAB, testing::kDynStringsOffset},
                               {DT_STRSZ, testing::kDynStrings.size()},
                               {DT_NULL, 0},
                               // Past DT_NULL: padding, never read.
                               {DT_NEEDED, 0xdeadbeef},
                               {DT_STRTAB, 0}});
    auto p = parse_all(elf.bytes());
    EXPECT_EQ(p->dynamic.entry_count(), 4u);
    EXPECT_EQ(p->dynamic.needed_count(), 0u);
    EXPECT_STREQ(p->dynamic.soname(), "libtest.so.1");
    EXPECT_STREQ(p->dynamic.rpath(), "/opt/rpath");
    EXPECT_EQ(p->dynamic.runpath(), nullptr);
}

TEST(DynamicSection, NoStringsNeedNoStringTable) {
    TestElf elf = testing::dynamic_pie();
    testing::set_dynamic(elf, {{DT_STRTAB, 0x900000}, {DT_NULL, 0}});
    auto p = parse_all(elf.bytes());
    EXPECT_TRUE(p->dynamic.present());
    EXPECT_EQ(p->dynamic.needed_count(), 0u);
}

TEST(DynamicSection, StaticProgramHasNone) {
    auto p = parse_all(TestElf().bytes());
    EXPECT_FALSE(p->dynamic.present());
    EXPECT_EQ(p->dynamic.needed_count(), 0u);
    EXPECT_EQ(p->dynamic.runpath(), nullptr);
}

TEST(DynamicSection, GuestProgramsNeedNoLibraries) {
    for (const char* name : {"hello-static", "hello-static-pie", "hello-musl"}) {
        auto bytes = read_app(name);
        if (!bytes)
            GTEST_SKIP() << name << " not built (ninja apps)";
        SCOPED_TRACE(name);
        auto p = parse_all(std::move(*bytes));
        EXPECT_EQ(p->dynamic.needed_count(), 0u);
        // static-pie keeps a dynamic section for its self-relocation.
        EXPECT_EQ(p->dynamic.present(), std::string(name) == "hello-static-pie");
    }
}

TEST(DynamicSection, BinLsNeedsLibc) {
    auto bytes = read_whole_file("/bin/ls");
    ASSERT_TRUE(bytes);
    auto p = parse_all(std::move(*bytes));
    std::vector<std::string> needed = needed_of(p->dynamic);
    EXPECT_NE(std::find(needed.begin(), needed.end(), "libc.so.6"), needed.end());
    EXPECT_EQ(p->dynamic.soname(), nullptr);
}

TEST(DynamicSection, LibcHasItsSoname) {
    auto bytes = read_whole_file("/lib/x86_64-linux-gnu/libc.so.6");
    if (!bytes)
        GTEST_SKIP() << "no glibc here";
    auto p = parse_all(std::move(*bytes));
    ASSERT_NE(p->dynamic.soname(), nullptr);
    EXPECT_STREQ(p->dynamic.soname(), "libc.so.6");
    // libc's only dependency is the dynamic loader.
    EXPECT_EQ(needed_of(p->dynamic), (std::vector<std::string>{"ld-linux-x86-64.so.2"}));
}

// Every shared library on the system (up to 8 MiB each) has a readable dynamic section.
TEST(DynamicSection, SystemLibrariesParse) {
    DIR* d = opendir("/usr/lib/x86_64-linux-gnu");
    ASSERT_NE(d, nullptr);
    size_t parsed = 0;
    while (dirent* entry = readdir(d)) {
        std::string name = entry->d_name;
        if (name.find(".so") == std::string::npos)
            continue;
        std::string path = "/usr/lib/x86_64-linux-gnu/" + name;
        uint64_t size = 0;
        if (!testing::read_file_prefix(path, 0, &size) || size > (8u << 20))
            continue;
        auto bytes = read_whole_file(path);
        if (!bytes || bytes->size() < 20 || (*bytes)[0] != 0x7f || (*bytes)[1] != 'E')
            continue;
        SCOPED_TRACE(path);
        auto p = parse_all(std::move(*bytes));
        parsed++;
    }
    closedir(d);
    EXPECT_GT(parsed, 20u);
}

} // namespace
} // namespace common::elf
