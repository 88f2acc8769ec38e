// bad_input_test.cpp: `ops run` refuses what it cannot run (not an ELF, 32-bit, another
// machine, a missing Files entry, a missing program) before building anything: non-zero exit,
// one line on stderr naming the problem, no image under OPS_HOME. A dynamic program is not bad
// input: `ops build` ships it with its interpreter and libraries.
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace vm {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(tolower(c)); });
    return s;
}

void expect_rejected(const RunResult& r, const std::string& keyword) {
    EXPECT_TRUE(r.exited && r.exit_code != 0) << "expected a non-zero exit\n" << r.describe();
    std::vector<std::string> lines;
    for (const std::string& line : r.err_lines())
        if (!line.empty())
            lines.push_back(line);
    EXPECT_EQ(lines.size(), 1u) << "expected exactly one line on stderr\n" << r.describe();
    EXPECT_NE(lower(r.err).find(lower(keyword)), std::string::npos)
        << "stderr should mention \"" << keyword << "\"\n"
        << r.describe();
    std::vector<std::string> images = image_files(r.ops_home);
    EXPECT_TRUE(images.empty()) << "an image was written: " << images.front();
}

void put16(std::string& s, size_t at, uint16_t v) {
    s[at] = char(v);
    s[at + 1] = char(v >> 8);
}
void put32(std::string& s, size_t at, uint32_t v) {
    for (int i = 0; i < 4; i++)
        s[at + i] = char(v >> (8 * i));
}
void put64(std::string& s, size_t at, uint64_t v) {
    for (int i = 0; i < 8; i++)
        s[at + i] = char(v >> (8 * i));
}

// A complete, tiny static ELF64 executable for `machine`: header, one PT_LOAD covering the
// file at 0x400000, entry just after the headers.
std::string elf64_for_machine(uint16_t machine) {
    std::string s(4096, '\0');
    s.replace(0, 8,
              std::string("\x7f"
                          "ELF\x02\x01\x01\x00",
                          8));
    put16(s, 16, 2); // ET_EXEC
    put16(s, 18, machine);
    put32(s, 20, 1);
    put64(s, 24, 0x400078); // e_entry
    put64(s, 32, 64);       // e_phoff
    put16(s, 52, 64);       // e_ehsize
    put16(s, 54, 56);       // e_phentsize
    put16(s, 56, 1);        // e_phnum
    put32(s, 64, 1);        // PT_LOAD
    put32(s, 68, 5);        // R|X
    put64(s, 72, 0);        // p_offset
    put64(s, 80, 0x400000); // p_vaddr
    put64(s, 88, 0x400000); // p_paddr
    put64(s, 96, 4096);     // p_filesz
    put64(s, 104, 4096);    // p_memsz
    put64(s, 112, 0x1000);  // p_align
    return s;
}

// The same for a 32-bit i386 program (gcc-multilib is not installed to build a real one).
std::string elf32_i386() {
    std::string s(4096, '\0');
    s.replace(0, 8,
              std::string("\x7f"
                          "ELF\x01\x01\x01\x00",
                          8));
    put16(s, 16, 2); // ET_EXEC
    put16(s, 18, 3); // EM_386
    put32(s, 20, 1);
    put32(s, 24, 0x8048054); // e_entry
    put32(s, 28, 52);        // e_phoff
    put16(s, 40, 52);        // e_ehsize
    put16(s, 42, 32);        // e_phentsize
    put16(s, 44, 1);         // e_phnum
    put32(s, 52, 1);         // PT_LOAD
    put32(s, 56, 0);
    put32(s, 60, 0x8048000);
    put32(s, 64, 0x8048000);
    put32(s, 68, 4096);
    put32(s, 72, 4096);
    put32(s, 76, 5);
    put32(s, 80, 0x1000);
    return s;
}

std::string executable(const TempDir& dir, const std::string& name, const std::string& bytes) {
    std::string path = dir.write_file(name, bytes);
    chmod(path.c_str(), 0755);
    return path;
}

TEST(BadInput, TextFile) {
    TempDir dir;
    std::string path = executable(dir, "notes.txt", "#!/bin/sh\necho just a script\n");
    expect_rejected(run_ops({"run", path}), "not an ELF");
}

TEST(BadInput, Elf32) {
    TempDir dir;
    expect_rejected(run_ops({"run", executable(dir, "prog32", elf32_i386())}), "32-bit");
}

TEST(BadInput, Aarch64Elf) {
    TempDir dir;
    std::string path = executable(dir, "prog-arm64", elf64_for_machine(183));
    expect_rejected(run_ops({"run", path}), "aarch64");
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

TEST(BadInput, DynamicElfIsBuiltWithItsLibraries) {
    // /bin/true needs ld-linux and libc: `ops build` ships both (booting it is the kernel's job).
    const std::string interpreter = "/lib64/ld-linux-x86-64.so.2";
    const std::string libc = "/lib/x86_64-linux-gnu/libc.so.6";
    if (!std::filesystem::exists(interpreter) || !std::filesystem::exists(libc))
        GTEST_SKIP() << "not a Debian-style x86-64 glibc host";
    RunResult r = run_ops({"build", "/bin/true"});
    ASSERT_TRUE(r.exited && r.exit_code == 0) << r.describe();
    std::vector<std::string> images = image_files(r.ops_home);
    ASSERT_EQ(images.size(), 1u) << r.describe();
    std::string image = read_file(images.front());
    // vm_tests does not link common/tfs, so look for the files' names in the metadata and their
    // first bytes in the data (file data is contiguous and sector-aligned in our TFS).
    for (const char* name : {"ld-linux-x86-64.so.2", "libc.so.6", "true"})
        EXPECT_NE(image.find(name), std::string::npos) << name << " is not in the image";
    for (const std::string& file : {interpreter, libc}) {
        std::string head = read_file(file).substr(0, 64 * 1024);
        ASSERT_FALSE(head.empty()) << file;
        EXPECT_NE(image.find(head), std::string::npos) << "the bytes of " << file
                                                       << " are not in the image";
    }
}

TEST(BadInput, MissingFilesEntry) {
    TempDir dir;
    dir.write_file("config.json", R"({"Files": ["missing.txt"]})");
    expect_rejected(run_ops({"run", app("hello-static"), "-c", "config.json"}, {dir.path()}),
                    "missing.txt");
}

TEST(BadInput, MissingProgram) {
    TempDir dir;
    std::string path = dir.path() + "/no-such-program";
    expect_rejected(run_ops({"run", path}), "no-such-program");
}

} // namespace
} // namespace vm
