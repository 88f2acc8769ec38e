// Tests for ops/image/file_io.cpp (sparse sink, file contents) and the kernel lookup in
// ops/image/kernel.cpp.
#include "ops/image/file_io.h"
#include "ops/image/kernel.h"

#include "ops/base/environment.h"
#include "ops/base/error.h"

#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <vector>

namespace ops {
namespace {

std::filesystem::path temp(const char* name) {
    return std::filesystem::path(testing::TempDir()) / name;
}

TEST(FileIo, SinkWritesAtTheBaseOffset) {
    auto target = temp("ops_file_io_sink");
    AtomicFileWriter file(target);
    AtomicFileSink sink(file, 1024);
    const std::uint8_t bytes[] = {1, 2, 3};
    ASSERT_TRUE(sink.write(10, common::Bytes(bytes, sizeof bytes)));
    file.commit();
    EXPECT_EQ(std::filesystem::file_size(target), 1037u);
}

TEST(FileIo, SinkSkipsZeroBlocks) {
    auto target = temp("ops_file_io_sparse");
    AtomicFileWriter file(target);
    AtomicFileSink sink(file, 512);
    // 1 MiB of zeros with one non-zero byte in the middle: one 4 KiB block gets written.
    std::vector<std::uint8_t> bytes(1 << 20, 0);
    bytes[300000] = 7;
    ASSERT_TRUE(sink.write(0, common::Bytes(bytes.data(), bytes.size())));
    file.resize(512 + bytes.size());
    file.commit();
    struct stat info {};
    ASSERT_EQ(::stat(target.c_str(), &info), 0);
    EXPECT_EQ(static_cast<std::uint64_t>(info.st_size), 512u + bytes.size());
    EXPECT_LE(static_cast<std::uint64_t>(info.st_blocks) * 512, 16u * 1024);
    std::ifstream in(target, std::ios::binary);
    std::vector<char> back(512 + bytes.size());
    in.read(back.data(), static_cast<std::streamsize>(back.size()));
    for (std::size_t i = 0; i < back.size(); i++)
        ASSERT_EQ(back[i], i == 512 + 300000 ? 7 : 0) << i;
}

TEST(FileIo, TextContentReads) {
    TextContent content("abcdef");
    EXPECT_EQ(content.size(), 6u);
    std::uint8_t buffer[3] = {};
    ASSERT_TRUE(content.read(3, common::MutableBytes(buffer, sizeof buffer)));
    EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer), 3), "def");
    EXPECT_FALSE(content.read(4, common::MutableBytes(buffer, sizeof buffer)));
}

TEST(FileIo, HostFileContentReads) {
    auto path = temp("ops_file_io_content");
    std::ofstream(path) << "hello world";
    HostFileContent content(path);
    EXPECT_EQ(content.size(), 11u);
    std::uint8_t buffer[5] = {};
    ASSERT_TRUE(content.read(6, common::MutableBytes(buffer, sizeof buffer)));
    EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer), 5), "world");
    EXPECT_FALSE(content.read(8, common::MutableBytes(buffer, sizeof buffer)));
    EXPECT_FALSE(content.failure().empty());
    EXPECT_THROW(HostFileContent(temp("ops_file_io_missing")), Error);
}

TEST(FileIo, HostFileContentReportsAFileThatShrank) {
    auto path = temp("ops_file_io_shrink");
    std::ofstream(path) << "hello world";
    HostFileContent content(path);
    std::ofstream(path, std::ios::trunc) << "hi";
    std::uint8_t buffer[11] = {};
    EXPECT_FALSE(content.read(0, common::MutableBytes(buffer, sizeof buffer)));
    EXPECT_EQ(content.failure(), "the file shrank while it was being read");
}

TEST(Kernel, LookupOrder) {
    auto directory = temp("ops_kernel_lookup");
    std::filesystem::create_directories(directory);
    std::ofstream(directory / "kernel.elf") << "k";
    std::ofstream(directory / "other.elf") << "k";
    Config config;
    Environment none = Environment::fixed({});
    EXPECT_EQ(find_kernel(config, none, directory), directory / "kernel.elf");
    Environment env = Environment::fixed({{"OPS_KERNEL", (directory / "other.elf").string()}});
    EXPECT_EQ(find_kernel(config, env, directory), directory / "other.elf");
    config.kernel = "kernel.elf";
    config.local_files_parent_directory = directory;
    EXPECT_EQ(find_kernel(config, env, "/nonexistent"), directory / "kernel.elf");
    EXPECT_THROW(find_kernel(Config{}, none, "/nonexistent"), Error);
    EXPECT_THROW(find_kernel(Config{}, Environment::fixed({{"OPS_KERNEL", "/nope"}}), directory),
                 Error);
}

} // namespace
} // namespace ops
