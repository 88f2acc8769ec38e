// contents_test.cpp: ops/pkg/contents.cpp: the listing of a package's files, nested directories
// included (regression: names below a second-level directory were built from a reference into
// the growing list and came out garbled).
#include "ops/pkg/contents.h"
#include "tests/unit/ops/pkg/pkg_test_support.h"

#include <gtest/gtest.h>

namespace pkg_test {
namespace {

TEST(PackageContents, ListsNestedDirectoriesDepthFirstInOrder) {
    ScratchDirectory dir;
    write_text(dir / "package.manifest", "{}");
    for (int i = 0; i < 20; ++i)
        write_text(dir / ("sysroot/etc/conf.d/file" + std::to_string(i)), "x");
    write_text(dir / "sysroot/lib/libx.so.1", "0123456789");
    fs::create_directory_symlink("libx.so.1", dir / "sysroot/lib/libx.so");

    std::vector<ops::PackageEntry> entries = ops::package_contents(dir.path());
    std::vector<std::string> paths;
    for (const auto& entry : entries)
        paths.push_back(entry.path);
    ASSERT_EQ(entries.size(), 27u);
    EXPECT_EQ(paths[0], "/package.manifest");
    EXPECT_EQ(paths[1], "/sysroot");
    EXPECT_EQ(paths[2], "/sysroot/etc");
    EXPECT_EQ(paths[3], "/sysroot/etc/conf.d");
    EXPECT_EQ(paths[4], "/sysroot/etc/conf.d/file0");
    EXPECT_EQ(paths[5], "/sysroot/etc/conf.d/file1");
    EXPECT_EQ(paths[24], "/sysroot/lib");
    EXPECT_EQ(paths[25], "/sysroot/lib/libx.so");
    EXPECT_EQ(entries[25].type, ops::PackageEntry::Type::symlink);
    EXPECT_EQ(entries[25].link_target, "libx.so.1");
    EXPECT_EQ(paths[26], "/sysroot/lib/libx.so.1");
    EXPECT_EQ(entries[26].size_bytes, 10u);
    for (const std::string& path : paths)
        EXPECT_EQ(path.rfind("/", 0), 0u) << path;
}

} // namespace
} // namespace pkg_test
