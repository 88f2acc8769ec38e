// corrupt_test.cpp: damaged logs never crash the reader. Flips bytes of the vectors' logs, cuts
// the device short and starves the allocator; every outcome must be a clean error or a mount.
#include "common/tfs/filesystem.h"
#include "tests/unit/common/tfs/tfs_test_support.h"

#include <gtest/gtest.h>

#include <random>

using namespace tfs_test;

namespace {

// A source that fails every read reaching past `limit` bytes (a truncated image).
class TruncatedSource final : public tfs::BlockSource {
  public:
    TruncatedSource(MemoryDisk& disk, uint64_t limit) : m_disk(disk), m_limit(limit) {}
    bool read(uint64_t offset, common::MutableBytes out) override {
        if (offset + out.size() > m_limit)
            return false;
        return m_disk.read(offset, out);
    }

  private:
    MemoryDisk& m_disk;
    uint64_t m_limit;
};

// Mounts, then touches everything a kernel would: walk the tree, read every file.
void exercise(tfs::BlockSource& source, uint64_t fs_bytes, common::Allocator& allocator) {
    tfs::Filesystem fs(allocator);
    tfs::MountOptions options;
    options.fs_bytes = fs_bytes;
    if (fs.mount(source, options) != tfs::Error::none)
        return;
    std::vector<std::pair<const tfs::Value*, int>> stack = {{fs.root(), 0}};
    std::vector<uint8_t> buffer(4096);
    size_t visited = 0;
    while (!stack.empty() && visited < 10000) {
        auto [node, depth] = stack.back();
        stack.pop_back();
        visited++;
        if (depth > 64)
            continue;
        switch (tfs::node_type(node)) {
        case tfs::NodeType::directory: {
            const tfs::Value* entries = tfs::directory_entries(node);
            for (size_t i = 0; i < entries->entry_count(); i++)
                stack.push_back({entries->entry(i).value, depth + 1});
            break;
        }
        case tfs::NodeType::file: {
            size_t done;
            fs.read_file(node, 0, common::MutableBytes(buffer.data(), buffer.size()), &done);
            fs.read_file(node, 100000, common::MutableBytes(buffer.data(), buffer.size()), &done);
            break;
        }
        default:
            break;
        }
    }
    tfs::Lookup lookup;
    fs.resolve("/bin/app", &lookup);
    fs.resolve("/a/../b/./c", &lookup);
}

// Byte ranges holding the log: sector 0 and the used part of each extension.
std::vector<std::pair<size_t, size_t>> log_ranges(const std::string& name) {
    nlohmann::json j = load_json(vector_path(name + ".json"));
    std::vector<std::pair<size_t, size_t>> ranges;
    size_t base = j["rootfs"]["byte_offset"];
    std::map<uint64_t, uint64_t> ext_end;
    for (const auto& f : j["rootfs"]["frames"])
        ext_end[f["extension_sector"]] = f["byte_offset"].get<uint64_t>() + 8;
    for (auto [sector, end] : ext_end)
        ranges.push_back({base + sector * 512, base + sector * 512 + end});
    return ranges;
}

class CorruptTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CorruptTest, FlippedBytesNeverCrash) {
    const std::string name = GetParam();
    const std::vector<uint8_t>& original = vector_image(name);
    nlohmann::json j = load_json(vector_path(name + ".json"));
    size_t base = j["rootfs"]["byte_offset"];
    MallocAllocator allocator;
    MemoryDisk disk(original);
    std::mt19937 rng(1234);
    size_t mounts = 0;
    for (auto [begin, end] : log_ranges(name)) {
        // Big logs: sample positions; small ones: every position.
        size_t step = (end - begin) > 4000 ? (end - begin) / 60 : 1;
        for (size_t pos = begin; pos < end; pos += step) {
            uint8_t saved = disk.data[pos];
            for (uint8_t v : {uint8_t(saved ^ 0x80), uint8_t(saved ^ 0x01), uint8_t(0xff),
                              uint8_t(0x00), uint8_t(rng())}) {
                disk.data[pos] = v;
                tfs::OffsetSource source(disk, base);
                exercise(source, disk.data.size() - base, allocator);
                mounts++;
            }
            disk.data[pos] = saved;
        }
    }
    EXPECT_EQ(allocator.live, 0);
    EXPECT_GT(mounts, 100u);
}

TEST_P(CorruptTest, RandomRunsNeverCrash) {
    const std::string name = GetParam();
    nlohmann::json j = load_json(vector_path(name + ".json"));
    size_t base = j["rootfs"]["byte_offset"];
    MallocAllocator allocator;
    std::mt19937 rng(99);
    auto ranges = log_ranges(name);
    for (int round = 0; round < 300; round++) {
        MemoryDisk disk(vector_image(name));
        auto [begin, end] = ranges[rng() % ranges.size()];
        size_t pos = begin + rng() % (end - begin);
        size_t len = 1 + rng() % 16;
        for (size_t i = 0; i < len && pos + i < disk.data.size(); i++)
            disk.data[pos + i] = uint8_t(rng());
        tfs::OffsetSource source(disk, base);
        exercise(source, 0, allocator); // unknown size: no fs_bytes checks to lean on
    }
    EXPECT_EQ(allocator.live, 0);
}

TEST_P(CorruptTest, TruncatedDeviceIsAnError) {
    const std::string name = GetParam();
    nlohmann::json j = load_json(vector_path(name + ".json"));
    size_t base = j["rootfs"]["byte_offset"];
    MemoryDisk disk(vector_image(name));
    tfs::OffsetSource source(disk, base);
    MallocAllocator allocator;
    for (uint64_t limit :
         {0ull, 100ull, 512ull, 600ull, 1024ull, 520000ull, 524800ull, 600000ull, 1600000ull}) {
        TruncatedSource cut(disk, base + limit);
        tfs::OffsetSource part(cut, base);
        tfs::Filesystem fs(allocator);
        tfs::Error e = fs.mount(part);
        if (limit < 1024)
            EXPECT_EQ(e, tfs::Error::io) << limit;
        exercise(part, 0, allocator);
    }
    EXPECT_EQ(allocator.live, 0);
}

TEST_P(CorruptTest, AllocationFailuresAreErrors) {
    const std::string name = GetParam();
    nlohmann::json j = load_json(vector_path(name + ".json"));
    size_t base = j["rootfs"]["byte_offset"];
    MemoryDisk disk(vector_image(name));
    tfs::OffsetSource source(disk, base);
    for (long budget = 0; budget < 200; budget += (budget < 20 ? 1 : 17)) {
        FailingAllocator allocator(budget);
        {
            tfs::Filesystem fs(allocator);
            tfs::Error e = fs.mount(source);
            EXPECT_TRUE(e == tfs::Error::none || e == tfs::Error::no_memory)
                << budget << " " << tfs::error_name(e);
        }
        EXPECT_EQ(allocator.live, 0) << budget;
    }
}

INSTANTIATE_TEST_SUITE_P(Vectors, CorruptTest,
                         ::testing::Values("a-minimal", "b-tree", "d-disk", "e-largelog"));

} // namespace
