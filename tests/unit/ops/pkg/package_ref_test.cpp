// package_ref_test.cpp: ops/pkg/package_ref.cpp: reference forms, name rules, version order.
#include "ops/base/error.h"
#include "ops/pkg/package_ref.h"
#include "tests/unit/ops/pkg/pkg_test_support.h"

#include <gtest/gtest.h>

namespace pkg_test {
namespace {

using ops::parse_package_ref;

TEST(PackageRef, Forms) {
    auto plain = parse_package_ref("node");
    EXPECT_EQ(plain.name, "node");
    EXPECT_EQ(plain.version, "");
    EXPECT_FALSE(plain.directory_form);

    auto versioned = parse_package_ref("node:14.2.0");
    EXPECT_EQ(versioned.name, "node");
    EXPECT_EQ(versioned.version, "14.2.0");

    EXPECT_EQ(parse_package_ref("node:latest").version, "");

    auto namespaced = parse_package_ref("eyberg/node:v14.2.0");
    EXPECT_EQ(namespaced.ns, "eyberg");
    EXPECT_EQ(namespaced.name, "node");
    EXPECT_EQ(namespaced.version, "v14.2.0");

    auto directory = parse_package_ref("lua_5.2.4");
    EXPECT_TRUE(directory.directory_form);
    EXPECT_EQ(directory.name, "lua_5.2.4");
}

TEST(PackageRef, RejectsPathsAndEmptyParts) {
    for (const char* bad : {"", "../x", "a/../b:1", ".hidden", "a:", ":1", "a:b_c", "a:1/2",
                            "x/y/z", "a b", "/abs"}) {
        std::string error = error_of([&] { parse_package_ref(bad); });
        EXPECT_NE(error, "") << bad;
        EXPECT_NE(error.find("write it like myapp"), std::string::npos) << error;
    }
}

TEST(PackageRef, VersionOrder) {
    using ops::compare_versions;
    EXPECT_LT(compare_versions("1.9", "1.10"), 0);
    EXPECT_GT(compare_versions("2.0", "1.99.9"), 0);
    EXPECT_EQ(compare_versions("v1.2", "1.2"), 0);
    EXPECT_EQ(compare_versions("1.02", "1.2"), 0);
    EXPECT_LT(compare_versions("1.2", "1.2.1"), 0);
    EXPECT_LT(compare_versions("1.2-rc1", "1.2-rc2"), 0);
    EXPECT_GT(compare_versions("latest-build", "1.0"), 0);
}

TEST(PackageRef, DirectoryName) {
    EXPECT_EQ(ops::package_directory_name("my_app", "1.0"), "my_app_1.0");
    EXPECT_TRUE(ops::valid_package_name("my_app"));
    EXPECT_FALSE(ops::valid_package_version("1_0"));
}

} // namespace
} // namespace pkg_test
