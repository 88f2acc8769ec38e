// mounts_test.cpp: the Mounts / --mounts syntax (ops/config/mounts.cpp).
#include "ops/config/mounts.h"

#include "ops/base/error.h"

#include <gtest/gtest.h>

namespace ops {
namespace {

TEST(Mounts, TargetsAreAbsolutePathsWithAnOptionalRo) {
    MountTarget rw = parse_mount_target("data", "/data");
    EXPECT_EQ(rw.path, "/data");
    EXPECT_FALSE(rw.read_only);
    MountTarget ro = parse_mount_target("data", "/srv/data/:ro");
    EXPECT_EQ(ro.path, "/srv/data");
    EXPECT_TRUE(ro.read_only);
}

TEST(Mounts, RootAndRelativePathsAreRefused) {
    EXPECT_THROW(parse_mount_target("data", "/"), Error);
    EXPECT_THROW(parse_mount_target("data", "/:ro"), Error);
    EXPECT_THROW(parse_mount_target("data", "data"), Error);
    EXPECT_THROW(parse_mount_target("data", ""), Error);
}

TEST(Mounts, FlagSplitsVolumeAndTarget) {
    auto [volume, target] = parse_mount_flag("data:/mnt/x:ro");
    EXPECT_EQ(volume, "data");
    EXPECT_EQ(target, "/mnt/x:ro");
    EXPECT_THROW(parse_mount_flag("data"), Error);
    EXPECT_THROW(parse_mount_flag(":/data"), Error);
    EXPECT_THROW(parse_mount_flag("data:"), Error);
    EXPECT_THROW(parse_mount_flag("data:/"), Error);
}

} // namespace
} // namespace ops
