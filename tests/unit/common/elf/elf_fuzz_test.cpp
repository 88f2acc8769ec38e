// elf_fuzz_test.cpp: random byte flips, field overwrites and truncations of real binaries fed
// to ElfFile and DynamicSection. They must never crash or read out of bounds (run this binary
// under -fsanitize=address to check the latter), and whatever they accept must be consistent.
#include "common/elf/elf_dynamic.h"
#include "common/elf/elf_file.h"

#include "elf_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace common::elf {
namespace {

// Values that tend to sit on the edge of a bound.
constexpr uint64_t kInteresting[] = {0,
                                     1,
                                     0x7f,
                                     0xff,
                                     0x1000,
                                     0xffff,
                                     0x10000,
                                     0x7fffffff,
                                     0xffffffff,
                                     kUserAddressLimit - 1,
                                     kUserAddressLimit,
                                     0x7fffffffffffffff,
                                     0x8000000000000000,
                                     0xfffffffffffff000,
                                     UINT64_MAX - 1,
                                     UINT64_MAX};

// Everything a successful parse hands out must lie inside the buffer.
void check_consistent(Bytes data, const ElfFile& file) {
    const uint8_t* begin = data.data();
    const uint8_t* end = data.data() + data.size();
    for (Elf64Phdr ph : file.program_headers())
        (void)ph;
    if (const char* interp = file.interpreter()) {
        auto p = reinterpret_cast<const uint8_t*>(interp);
        ASSERT_GE(p, begin);
        ASSERT_LT(p + file.interpreter_length(), end);
        ASSERT_EQ(p[file.interpreter_length()], 0);
    }
    (void)file.check_entry();
    ASSERT_LE(file.load_span().low, file.load_span().high);
    ASSERT_LE(file.load_span().high, kUserAddressLimit);

    DynamicSection dynamic;
    if (!DynamicSection::parse(file, &dynamic).ok())
        return;
    auto check_string = [&](const char* s) {
        if (!s)
            return;
        auto p = reinterpret_cast<const uint8_t*>(s);
        ASSERT_GE(p, begin);
        ASSERT_LT(p, end);
        // The NUL must come before the end of the buffer.
        ASSERT_NE(std::memchr(p, 0, size_t(end - p)), nullptr);
    };
    for (size_t i = 0; i < dynamic.needed_count(); i++) {
        ASSERT_NE(dynamic.needed(i), nullptr);
        check_string(dynamic.needed(i));
    }
    check_string(dynamic.soname());
    check_string(dynamic.rpath());
    check_string(dynamic.runpath());
}

// Mutates a copy of `original` `iterations` times and parses each result. The mutations aim
// mostly at the first 4 KiB, where the headers are, and at the dynamic section.
// OPS_ELF_FUZZ_SCALE=N multiplies the iterations, for a longer run by hand under ASan.
void fuzz(const std::vector<uint8_t>& original, int iterations, uint32_t seed) {
    if (const char* scale = std::getenv("OPS_ELF_FUZZ_SCALE"))
        iterations *= std::max(1, std::atoi(scale));
    std::mt19937_64 rng(seed);
    ElfFile pristine;
    ASSERT_TRUE(ElfFile::parse(Bytes(original.data(), original.size()), &pristine).ok());
    uint64_t dyn_offset = pristine.dynamic() ? pristine.dynamic()->p_offset : 0;
    uint64_t dyn_size = pristine.dynamic() ? pristine.dynamic()->p_filesz : 0;

    size_t accepted = 0;
    for (int i = 0; i < iterations; i++) {
        std::vector<uint8_t> bytes = original;
        int mutations = 1 + int(rng() % 4);
        for (int m = 0; m < mutations; m++) {
            size_t region = std::min<size_t>(bytes.size(), 4096);
            size_t at = rng() % region;
            if (dyn_size && rng() % 3 == 0)
                at = dyn_offset + rng() % dyn_size;
            switch (rng() % 4) {
            case 0: // flip one bit
                bytes[at] ^= uint8_t(1u << (rng() % 8));
                break;
            case 1: // random byte
                bytes[at] = uint8_t(rng());
                break;
            case 2: { // an edge value over a whole 1/2/4/8-byte field
                uint64_t value = kInteresting[rng() % std::size(kInteresting)];
                size_t width = size_t(1) << (rng() % 4);
                for (size_t b = 0; b < width && at + b < bytes.size(); b++)
                    bytes[at + b] = uint8_t(value >> (8 * b));
                break;
            }
            case 3: // truncate
                bytes.resize(rng() % (bytes.size() + 1));
                break;
            }
            if (bytes.empty())
                break;
        }
        // An exact-size heap copy, so AddressSanitizer sees any read past the end.
        std::unique_ptr<uint8_t[]> exact(new uint8_t[bytes.size() ? bytes.size() : 1]);
        std::memcpy(exact.get(), bytes.data(), bytes.size());
        Bytes data(exact.get(), bytes.size());

        ElfFile file;
        ElfError error = ElfFile::parse(data, &file);
        char message[160];
        size_t length = format_elf_error(error, message, sizeof(message));
        ASSERT_LT(length, sizeof(message));
        if (error.ok()) {
            accepted++;
            check_consistent(data, file);
        }
        // Also as a prefix of a longer file, as the kernel reads it.
        if (bytes.size() > 64) {
            ElfFile prefix_file;
            if (ElfFile::parse(Bytes(data.data(), 64 + rng() % (bytes.size() - 64)), bytes.size(),
                               &prefix_file)
                    .ok())
                check_consistent(prefix_file.data(), prefix_file);
        }
    }
    // Most single flips land in bytes nobody checks; make sure the loop explored both sides.
    EXPECT_GT(accepted, 0u);
    EXPECT_LT(accepted, size_t(iterations));
}

TEST(ElfFuzz, GuestProgramSurvivesMutations) {
    auto bytes = testing::read_app("hello-static-pie");
    if (!bytes)
        GTEST_SKIP() << "hello-static-pie not built (ninja apps)";
    fuzz(*bytes, 1000, 1);
}

TEST(ElfFuzz, DynamicBinarySurvivesMutations) {
    auto bytes = testing::read_whole_file("/bin/ls");
    ASSERT_TRUE(bytes);
    fuzz(*bytes, 2000, 2);
}

TEST(ElfFuzz, HandCraftedDynamicSurvivesMutations) {
    testing::TestElf elf = testing::dynamic_pie();
    testing::set_dynamic(elf, testing::usual_dynamic());
    fuzz(elf.bytes(), 20000, 3);
}

} // namespace
} // namespace common::elf
