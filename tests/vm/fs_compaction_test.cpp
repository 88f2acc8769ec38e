// fs_compaction_test.cpp: the root filesystem's log after thousands of small changes is compacted
// by the kernel (tfs.md 4.6) and still reads back in the next boot and through `ops image`; and
// host files keep their modification time in the image (tfs.md 6.6).
#include "vm_harness.h"

#include "common/disk/mbr.h"
#include "common/tfs/filesystem.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace vm {
namespace {

class HeapAllocator final : public common::Allocator {
  public:
    void* allocate(size_t size, size_t) override { return std::malloc(size); }
    void deallocate(void* p, size_t) override { std::free(p); }
};

class FileBytes final : public tfs::BlockSource {
  public:
    FileBytes(const std::vector<uint8_t>& bytes, uint64_t offset)
        : m_bytes(bytes), m_offset(offset) {}
    bool read(uint64_t offset, common::MutableBytes out) override {
        if (m_offset + offset + out.size() > m_bytes.size())
            return false;
        std::copy_n(m_bytes.data() + m_offset + offset, out.size(), out.data());
        return true;
    }

  private:
    const std::vector<uint8_t>& m_bytes;
    uint64_t m_offset;
};

struct LogCounter final : tfs::LogObserver {
    void on_extension(uint64_t, uint64_t, uint64_t) override { extensions++; }
    void on_frame(uint64_t, uint64_t, tfs::FrameCode code, uint64_t, uint64_t) override {
        records += code == tfs::FrameCode::tuple_available;
    }
    uint64_t extensions = 0;
    uint64_t records = 0;
};

// Replays the root filesystem of the image file and counts its log's records and extensions.
::testing::AssertionResult count_root_log(const std::string& image, LogCounter* log) {
    std::ifstream in(image, std::ios::binary);
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    if (bytes.size() < 512)
        return ::testing::AssertionFailure() << "cannot read " << image;
    disk::BootDisk boot;
    if (disk::parse_boot_disk(common::Bytes(bytes.data(), 512), bytes.size(), &boot) !=
        disk::Error::none)
        return ::testing::AssertionFailure() << image << " has no partition table";
    HeapAllocator allocator;
    FileBytes source(bytes, boot.root_fs_offset);
    tfs::Filesystem fs(allocator);
    tfs::MountOptions options;
    options.fs_bytes = boot.root_fs_bytes;
    options.observer = log;
    tfs::Error error = fs.mount(source, options);
    if (error != tfs::Error::none)
        return ::testing::AssertionFailure() << "root filesystem: " << tfs::error_name(error);
    return ::testing::AssertionSuccess();
}

TEST(FsCompaction, ThousandsOfRewritesCompactAndSurviveAReboot) {
    TempDir dir;
    // 20 MiB image: the 12 MiB boot filesystem, the program and about 7 MiB of root filesystem.
    dir.write_file("config.json", R"({"BaseVolumeSz": "20m"})");
    RunResult first =
        run_ops({"run", app("fs_churn-static"), "-c", "config.json", "-i", "churn"}, {dir.path()});
    EXPECT_EXIT_CODE(first, 0);
    EXPECT_TRUE(has_lines_in_order(
        first.out_lines(), {"phase churn", "ok rewrites", "ok state", "PASSED: 0 failures"}))
        << first.describe();
    // 6000 rewrites and renames and 600 create/unlink pairs append over 30000 records; the
    // compacted log holds the tree in one record plus what came after the last compaction.
    std::vector<std::string> images = image_files(first.ops_home);
    ASSERT_EQ(images.size(), 1u);
    LogCounter log;
    ASSERT_TRUE(count_root_log(images[0], &log));
    EXPECT_LT(log.records, 15000u);
    EXPECT_LE(log.extensions, 3u); // sector 0 and at most two extensions

    RunOptions again{dir.path()};
    again.ops_home = first.ops_home;
    RunResult second = run_ops(
        {"run", app("fs_churn-static"), "-c", "config.json", "-i", "churn", "--skipbuild"}, again);
    EXPECT_EXIT_CODE(second, 0);
    EXPECT_TRUE(has_lines_in_order(second.out_lines(),
                                   {"phase check", "ok current", "ok keep", "ok tmp gone",
                                    "ok extra gone", "PASSED: 0 failures"}))
        << second.describe();
    EXPECT_TRUE(no_line_starting_with(second.out_lines(), "FAIL")) << second.describe();
    // Our offline reader sees the same state.
    RunResult cat = run_ops({"image", "cat", "churn", "/churn/current"}, again);
    EXPECT_EXIT_CODE(cat, 0);
    EXPECT_EQ(cat.out, "version 5999") << cat.describe();
    RunResult ls = run_ops({"image", "ls", "churn", "/churn"}, again);
    EXPECT_EXIT_CODE(ls, 0);
    EXPECT_TRUE(has_lines_in_order(ls.out_lines(), {"current", "keep", "state"})) << ls.describe();
    EXPECT_EQ(ls.out.find("tmp"), std::string::npos) << ls.describe();
    EXPECT_EQ(ls.out.find("extra"), std::string::npos) << ls.describe();
}

TEST(ImageTimes, ShippedFileKeepsTheHostMtime) {
    TempDir dir;
    dir.write_file("files/stamp.txt", "stamped\n");
    std::string host = dir.path() + "/files/stamp.txt";
    struct timespec times[2] = {{1500000000, 0}, {1600000000, 123456789}};
    ASSERT_EQ(utimensat(AT_FDCWD, host.c_str(), times, 0), 0);
    dir.write_file("config.json", R"({"Files": ["files/stamp.txt"]})");
    RunResult r =
        run_ops({"run", app("stat_mtime-static"), "-c", "config.json", "-a", "/files/stamp.txt"},
                {dir.path()});
    EXPECT_EXIT_CODE(r, 0);
    // atime is the mtime too: the host's atime changes whenever the file is read.
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {"mtime 1600000000 123456789", "atime 1600000000 123456789"}))
        << r.describe();
}

} // namespace
} // namespace vm
