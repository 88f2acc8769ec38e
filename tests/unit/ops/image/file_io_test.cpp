// Tests for ops/image/file_io.cpp and the kernel lookup in ops/image/kernel.cpp.
#include "ops/image/file_io.h"
#include "ops/image/kernel.h"

#include "ops/base/environment.h"
#include "ops/base/error.h"

#include <fstream>
#include <gtest/gtest.h>

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

TEST(FileIo, HostFileContentReads) {
    auto path = temp("ops_file_io_content");
    std::ofstream(path) << "hello world";
    HostFileContent content(path);
    EXPECT_EQ(content.size(), 11u);
    std::uint8_t buffer[5] = {};
    ASSERT_TRUE(content.read(6, common::MutableBytes(buffer, sizeof buffer)));
    EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer), 5), "world");
    EXPECT_FALSE(content.read(8, common::MutableBytes(buffer, sizeof buffer)));
    EXPECT_THROW(HostFileContent(temp("ops_file_io_missing")), Error);
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
