// Tests for ops/store/atomic_file.cpp.
#include "ops/store/atomic_file.h"

#include "ops/base/error.h"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/stat.h>

namespace ops {
namespace {

std::filesystem::path fresh_directory(const char* name) {
    auto directory = std::filesystem::path(testing::TempDir()) / name;
    std::filesystem::remove_all(directory);
    std::filesystem::create_directories(directory);
    return directory;
}

std::string read_all(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream out;
    out << file.rdbuf();
    return out.str();
}

std::size_t entries(const std::filesystem::path& directory) {
    return std::distance(std::filesystem::directory_iterator(directory),
                         std::filesystem::directory_iterator());
}

TEST(AtomicFile, ReplacesContent) {
    auto directory = fresh_directory("ops_atomic_replace");
    auto target = directory / "state.json";
    write_file_atomically(target, "old");
    write_file_atomically(target, "new content");
    EXPECT_EQ(read_all(target), "new content");
    EXPECT_EQ(entries(directory), 1u);  // no temporary left behind
}

TEST(AtomicFile, UncommittedWriteLeavesTheOldFile) {
    auto directory = fresh_directory("ops_atomic_abort");
    auto target = directory / "image";
    write_file_atomically(target, "old");
    {
        AtomicFileWriter writer(target);
        writer.write("half");
    }
    EXPECT_EQ(read_all(target), "old");
    EXPECT_EQ(entries(directory), 1u);
}

TEST(AtomicFile, WriteAtAndResize) {
    auto directory = fresh_directory("ops_atomic_sparse");
    auto target = directory / "disk";
    AtomicFileWriter writer(target);
    writer.resize(4096);
    const std::uint8_t bytes[] = {0x55, 0xAA};
    writer.write_at(510, bytes);
    writer.commit();
    std::string content = read_all(target);
    ASSERT_EQ(content.size(), 4096u);
    EXPECT_EQ(static_cast<std::uint8_t>(content[510]), 0x55);
    EXPECT_EQ(static_cast<std::uint8_t>(content[511]), 0xAA);
}

TEST(AtomicFile, ModeIsApplied) {
    auto directory = fresh_directory("ops_atomic_mode");
    auto target = directory / "f";
    write_file_atomically(target, "x", 0600);
    struct stat info {};
    ASSERT_EQ(::stat(target.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(AtomicFile, MissingDirectoryIsAnError) {
    EXPECT_THROW(write_file_atomically("/nonexistent-dir/x", "y"), Error);
}

} // namespace
} // namespace ops
