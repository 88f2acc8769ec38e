// Tests for ops/store/paths.cpp: the ~/.ops location and image names.
#include "ops/store/paths.h"

#include "ops/base/environment.h"
#include "ops/base/error.h"

#include <gtest/gtest.h>

namespace ops {
namespace {

TEST(StorePaths, OpsHomeWins) {
    auto store = StorePaths::from_environment(
        Environment::fixed({{"OPS_HOME", "/srv/x"}, {"HOME", "/home/u"}}));
    EXPECT_EQ(store.root(), "/srv/x/.ops");
    EXPECT_EQ(store.images(), "/srv/x/.ops/images");
    EXPECT_EQ(store.image("web"), "/srv/x/.ops/images/web");
}

TEST(StorePaths, HomeIsTheDefault) {
    auto store = StorePaths::from_environment(Environment::fixed({{"HOME", "/home/u"}}));
    EXPECT_EQ(store.root(), "/home/u/.ops");
}

TEST(StorePaths, EnsureImagesCreatesTheDirectory) {
    auto base = std::filesystem::path(testing::TempDir()) / "ops_store_paths_test";
    std::filesystem::remove_all(base);
    auto store = StorePaths::from_environment(Environment::fixed({{"OPS_HOME", base.string()}}));
    EXPECT_EQ(store.ensure_images(), base / ".ops/images");
    EXPECT_TRUE(std::filesystem::is_directory(base / ".ops/images"));
    std::filesystem::remove_all(base);
}

TEST(ImageName, BasenameCutAtTheFirstDot) {
    EXPECT_EQ(image_name_from("./bin/web"), "web");
    EXPECT_EQ(image_name_from("web.img"), "web");
    EXPECT_EQ(image_name_from("/x/y/app.tar.gz"), "app");
    EXPECT_THROW(image_name_from(".hidden"), Error);
    EXPECT_THROW(image_name_from(""), Error);
    EXPECT_THROW(image_name_from("dir/"), Error);
}

} // namespace
} // namespace ops
