// image_tree_test.cpp: image path cleaning, host path resolution, generated file contents and
// host files' modification times (ops/image/image_tree.cpp, root_fs.cpp).
#include "ops/image/image_tree.h"
#include "ops/image/root_fs.h"

#include "common/tfs/filesystem.h"
#include "ops/base/error.h"
#include "ops/image/host_allocator.h"
#include "tests/unit/common/tfs/tfs_test_support.h"
#include "tests/unit/ops/image/image_test_support.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

namespace ops {
namespace {

TEST(ImagePath, CleansAndMakesAbsolute) {
    EXPECT_EQ(image_path("./hello"), "/hello");
    EXPECT_EQ(image_path("hello"), "/hello");
    EXPECT_EQ(image_path("/usr/bin/x"), "/usr/bin/x");
    EXPECT_EQ(image_path("a//b/./c/"), "/a/b/c");
    EXPECT_EQ(image_path("../x"), "/x");
    EXPECT_EQ(image_path("a/../../b"), "/b");
    EXPECT_EQ(image_path("."), "/");
    EXPECT_EQ(image_path(""), "/");
}

TEST(HostPath, RelativeFromTheConfigDirectoryAbsoluteUnderTargetRoot) {
    Config config;
    EXPECT_EQ(host_path_of(config, "a/b"), "a/b");
    EXPECT_EQ(host_path_of(config, "/etc/x"), "/etc/x");
    config.local_files_parent_directory = "/project";
    EXPECT_EQ(host_path_of(config, "a/b"), "/project/a/b");
    config.target_root = "/sysroot";
    EXPECT_EQ(host_path_of(config, "/etc/x"), "/sysroot/etc/x");
}

TEST(GeneratedFiles, ResolvConfUsesOpsFormatting) {
    Config config;
    EXPECT_EQ(resolv_conf(config), "nameserver  8.8.8.8\n");
    config.name_servers = {"10.0.2.3"};
    EXPECT_EQ(resolv_conf(config), "nameserver  10.0.2.3\n");
}

TEST(CheckTfs, TurnsErrorsIntoMessages) {
    EXPECT_NO_THROW(check_tfs(tfs::Error::none, "x"));
    try {
        check_tfs(tfs::Error::invalid_argument, "adding /a");
        FAIL();
    } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()),
                  "adding /a: invalid name (names must be 1 to 255 bytes, without NUL)");
    }
}

void set_mtime(const std::filesystem::path& path, time_t seconds, long nanoseconds) {
    struct timespec times[2] = {{1, 0}, {seconds, nanoseconds}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

std::uint64_t attribute_of(const tfs::Filesystem& fs, const char* path, const char* name) {
    tfs::Lookup lookup;
    EXPECT_EQ(fs.resolve(path, &lookup), tfs::Error::none) << path;
    std::uint64_t value = 0;
    const tfs::Value* v = tfs::tuple_get(lookup.node, name);
    if (v)
        EXPECT_TRUE(tfs::value_as_u64(v, &value)) << path << " " << name;
    return v ? value : ~0ull; // ~0: absent
}

TEST(HostFileTimes, ImageKeepsTheHostMtime) {
    image_test::ScratchDirectory dir;
    image_test::write_text(dir / "app.py", "print(1)\n");
    image_test::write_text(dir / "lib/mod.py", "x = 1\n");
    image_test::write_text(dir / "old.txt", "before 1970\n");
    set_mtime(dir / "app.py", 1700000000, 999999999);
    set_mtime(dir / "lib/mod.py", 1234567890, 0);
    set_mtime(dir / "old.txt", -5, 0);
    HostAllocator allocator;
    ImageTree tree(allocator);
    tree.add_host_file("/app.py", dir / "app.py");
    tree.add_host_entry("/lib", dir / "lib");
    tree.add_host_file("/old.txt", dir / "old.txt");
    tree.add_text_file("/etc/generated", "text\n");
    tfs_test::MemoryDisk disk;
    tfs::WriteOptions options;
    tfs::WriteResult result;
    ASSERT_EQ(tree.builder().write(disk, options, &result), tfs::Error::none);

    tfs::Filesystem fs(allocator);
    ASSERT_EQ(fs.mount(disk), tfs::Error::none);
    // 32.32 fixed point: whole seconds exact, the fraction rounded down to 2^-32 s.
    std::uint64_t app = attribute_of(fs, "/app.py", "mtime");
    EXPECT_EQ(app >> 32, 1700000000u);
    EXPECT_EQ(app & 0xffffffffu, (999999999ull << 32) / 1000000000u);
    EXPECT_EQ(attribute_of(fs, "/app.py", "atime"), app);
    EXPECT_EQ(attribute_of(fs, "/lib/mod.py", "mtime"), 1234567890ull << 32);
    EXPECT_EQ(attribute_of(fs, "/lib/mod.py", "atime"), 1234567890ull << 32);
    // No time rather than a wrong one; generated files have none either (tfs.md 6.6: absent = 0).
    EXPECT_EQ(attribute_of(fs, "/old.txt", "mtime"), ~0ull);
    EXPECT_EQ(attribute_of(fs, "/etc/generated", "mtime"), ~0ull);
}

} // namespace
} // namespace ops
