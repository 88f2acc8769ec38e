// image_tree_test.cpp: image path cleaning, host path resolution and generated file contents
// (ops/image/image_tree.cpp, root_fs.cpp).
#include "ops/image/image_tree.h"
#include "ops/image/root_fs.h"

#include "ops/base/error.h"

#include <gtest/gtest.h>

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

} // namespace
} // namespace ops
