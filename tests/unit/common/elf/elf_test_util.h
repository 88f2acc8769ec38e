// elf_test_util.h: helpers for the common/elf tests: reading real binaries, locating the guest
// programs from tests/apps, and TestElf, a builder for small hand-crafted ELF64 files.
#pragma once

#include "common/elf/elf_types.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace common::elf::testing {

// The first `limit` bytes of a regular file, and its full size in *size.
inline std::optional<std::vector<uint8_t>> read_file_prefix(const std::string& path, size_t limit,
                                                            uint64_t* size) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        return std::nullopt;
    std::streamoff end = in.tellg();
    if (end < 0)
        return std::nullopt;
    *size = uint64_t(end);
    in.seekg(0);
    std::vector<uint8_t> bytes(std::min<uint64_t>(*size, limit));
    if (!in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size())))
        return std::nullopt;
    return bytes;
}

inline std::optional<std::vector<uint8_t>> read_whole_file(const std::string& path) {
    uint64_t size = 0;
    return read_file_prefix(path, SIZE_MAX, &size);
}

// Where tests/apps put the guest programs: the build passes OPS_APPS_DIR; otherwise guess the
// usual layout (<build>/tests/unit_tests next to <build>/apps).
inline std::string apps_dir() {
#ifdef OPS_APPS_DIR
    return OPS_APPS_DIR;
#else
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    std::string path(self, n > 0 ? size_t(n) : 0);
    return path.substr(0, path.rfind('/')) + "/../apps";
#endif
}

// The bytes of guest program <name>-<variant>, or nullopt when the apps were not built.
inline std::optional<std::vector<uint8_t>> read_app(const std::string& name) {
    return read_whole_file(apps_dir() + "/" + name);
}

// A small ELF64 file described field by field, serialised little-endian by bytes(). The
// default is a valid static executable: two PT_LOADs (text at 0x400000, data at 0x401000) and
// PT_GNU_STACK, in a file of 0x2000 bytes.
struct TestElf {
    Elf64Ehdr header{};
    std::vector<Elf64Phdr> phdrs;
    std::vector<std::pair<size_t, std::vector<uint8_t>>> patches; // written after the headers
    size_t file_size = 0x2000;

    static constexpr uint64_t kTextVaddr = 0x400000;

    TestElf() {
        const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT};
        std::memcpy(header.e_ident, ident, sizeof(ident));
        header.e_type = ET_EXEC;
        header.e_machine = EM_X86_64;
        header.e_version = EV_CURRENT;
        header.e_entry = kTextVaddr + 0x100;
        header.e_phoff = sizeof(Elf64Ehdr);
        header.e_ehsize = sizeof(Elf64Ehdr);
        header.e_phentsize = sizeof(Elf64Phdr);
        phdrs.push_back(load(0, kTextVaddr, 0x1000, 0x1000, PF_R | PF_X));
        phdrs.push_back(load(0x1000, kTextVaddr + 0x1000, 0x800, 0x2000, PF_R | PF_W));
        phdrs.push_back(Elf64Phdr{PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16});
    }

    static Elf64Phdr load(uint64_t offset, uint64_t vaddr, uint64_t filesz, uint64_t memsz,
                          uint32_t flags) {
        return Elf64Phdr{PT_LOAD, flags, offset, vaddr, vaddr, filesz, memsz, 0x1000};
    }

    // Adds a segment of `type` holding `contents` at file offset `offset` (no address).
    void add_segment(uint32_t type, size_t offset, const std::vector<uint8_t>& contents) {
        phdrs.push_back(Elf64Phdr{type, PF_R, offset, 0, 0, contents.size(), contents.size(), 1});
        patches.push_back({offset, contents});
    }

    void add_interp(const std::string& path, size_t offset = 0x200) {
        std::vector<uint8_t> bytes(path.begin(), path.end());
        bytes.push_back(0);
        add_segment(PT_INTERP, offset, bytes);
    }

    void patch(size_t offset, const std::vector<uint8_t>& bytes) {
        patches.push_back({offset, bytes});
    }

    std::vector<uint8_t> bytes() const {
        std::vector<uint8_t> out(file_size, 0);
        auto put = [&](size_t offset, const void* data, size_t size) {
            if (offset < out.size())
                std::memcpy(out.data() + offset, data, std::min(size, out.size() - offset));
        };
        Elf64Ehdr h = header;
        if (h.e_phnum == 0 && !phdrs.empty() && !m_keep_phnum)
            h.e_phnum = uint16_t(phdrs.size());
        // The host is little-endian, so the structs' memory layout is the file layout.
        put(0, &h, sizeof(h));
        for (size_t i = 0; i < phdrs.size() && h.e_phoff < out.size(); i++)
            put(h.e_phoff + i * sizeof(Elf64Phdr), &phdrs[i], sizeof(Elf64Phdr));
        for (const auto& [offset, data] : patches)
            put(offset, data.data(), data.size());
        return out;
    }

    // bytes() fills e_phnum from phdrs unless the test wants to set e_phnum = 0 itself.
    void keep_phnum() { m_keep_phnum = true; }

  private:
    bool m_keep_phnum = false;
};

// Little-endian encoders for building dynamic sections by hand.
inline void append_le64(std::vector<uint8_t>& out, uint64_t value) {
    for (int i = 0; i < 8; i++)
        out.push_back(uint8_t(value >> (8 * i)));
}

inline std::vector<uint8_t>
dynamic_entries(const std::vector<std::pair<int64_t, uint64_t>>& entries) {
    std::vector<uint8_t> out;
    for (const auto& [tag, value] : entries) {
        append_le64(out, uint64_t(tag));
        append_le64(out, value);
    }
    return out;
}

// A PIE linked against libc: ET_DYN based at 0, PT_INTERP at 0x200, the string table below
// (kDynStrings at file offset and address 0x300) and, once set_dynamic() is called,
// PT_DYNAMIC at 0x1000 inside the data segment.
inline constexpr size_t kDynStringsOffset = 0x300;
inline constexpr char kDynStringsData[] =
    "\0libc.so.6\0libm.so.6\0$ORIGIN/../lib\0libtest.so.1\0/opt/rpath";
inline const std::string kDynStrings(kDynStringsData, sizeof(kDynStringsData));
// Offset of `name` inside kDynStrings.
inline uint64_t dyn_string(const char* name) {
    return kDynStrings.find(name);
}

inline TestElf dynamic_pie() {
    TestElf elf;
    elf.header.e_type = ET_DYN;
    elf.header.e_entry = 0x100;
    elf.phdrs[0] = TestElf::load(0, 0, 0x1000, 0x1000, PF_R | PF_X);
    elf.phdrs[1] = TestElf::load(0x1000, 0x1000, 0x800, 0x2000, PF_R | PF_W);
    elf.add_interp("/lib64/ld-linux-x86-64.so.2");
    elf.patch(kDynStringsOffset, std::vector<uint8_t>(kDynStrings.begin(), kDynStrings.end()));
    return elf;
}

// Adds PT_DYNAMIC at file offset and address 0x1000 holding `entries`.
inline void set_dynamic(TestElf& elf, const std::vector<std::pair<int64_t, uint64_t>>& entries) {
    std::vector<uint8_t> bytes = dynamic_entries(entries);
    elf.phdrs.push_back(
        Elf64Phdr{PT_DYNAMIC, PF_R | PF_W, 0x1000, 0x1000, 0x1000, bytes.size(), bytes.size(), 8});
    elf.patch(0x1000, bytes);
}

// The usual dynamic entries of dynamic_pie(): two libraries, a runpath and the string table.
inline std::vector<std::pair<int64_t, uint64_t>> usual_dynamic() {
    return {{DT_NEEDED, dyn_string("libc.so.6")},
            {DT_NEEDED, dyn_string("libm.so.6")},
            {DT_RUNPATH, dyn_string("$ORIGIN/../lib")},
            {DT_STRTAB, kDynStringsOffset},
            {DT_STRSZ, kDynStrings.size()},
            {DT_NULL, 0}};
}

} // namespace common::elf::testing
