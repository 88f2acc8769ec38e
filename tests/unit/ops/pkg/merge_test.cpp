// merge_test.cpp: ops/pkg/merge.cpp (package.manifest + the user's config) and load.cpp (the
// merged config built into an image whose program comes from the package).
#include "ops/base/error.h"
#include "ops/config/config_file.h"
#include "ops/image/build.h"
#include "ops/pkg/add.h"
#include "ops/pkg/load.h"
#include "ops/pkg/merge.h"
#include "tests/unit/ops/pkg/pkg_test_support.h"

#include <gtest/gtest.h>

namespace pkg_test {
namespace {

ops::Config decode(const std::string& json) {
    return ops::decode_config(json, "test.json");
}

class PackageMerge : public testing::Test {
  protected:
    void SetUp() override {
        fs::create_directories(m_dir / "pkg/app_1.0/sysroot/etc");
        fs::create_directories(m_dir / "work");
    }
    fs::path package_dir() const { return m_dir / "pkg/app_1.0"; }
    ops::PackageManifest manifest(const std::string& json) const {
        ops::PackageManifest m;
        m.config = decode(json);
        m.program = m.config.program;
        m.program_base = m_dir / "pkg";
        return m;
    }
    ops::Config user(const std::string& json) const {
        ops::Config c = decode(json);
        c.local_files_parent_directory = m_dir / "work";
        return c;
    }
    ScratchDirectory m_dir;
};

TEST_F(PackageMerge, FollowsTheEstablishedRules) {
    ops::Config merged = ops::merge_package_config(
        manifest(R"({"Program": "app_1.0/app", "Args": ["--pkg"], "Env": {"A": "pkg", "B": "pkg"},
                     "Files": ["pf"], "Dirs": ["pd"], "NameServers": ["1.1.1.1"],
                     "Debugflags": ["trace"], "ManifestPassthrough": {"cwd": "/pkg"},
                     "RunConfig": {"Memory": "64M"}})"),
        user(R"({"Program": "ignored", "Args": ["--user"], "Env": {"B": "user", "C": "user"},
                 "Files": ["uf"], "Dirs": ["ud"], "Debugflags": ["fault", "trace"],
                 "ManifestPassthrough": {"cwd": "/user"}, "RunConfig": {"Memory": "256M"}})"),
        package_dir());
    EXPECT_EQ(merged.program, "app_1.0/app");
    EXPECT_EQ(merged.args, (std::vector<std::string>{"--pkg", "--user"}));
    EXPECT_EQ(merged.env,
              (std::map<std::string, std::string>{{"A", "pkg"}, {"B", "user"}, {"C", "user"}}));
    EXPECT_EQ(merged.files, (std::vector<std::string>{"pf", "uf"}));
    EXPECT_EQ(merged.dirs, (std::vector<std::string>{"pd", "ud"}));
    EXPECT_EQ(merged.name_servers, (std::vector<std::string>{"1.1.1.1"}));
    EXPECT_EQ(merged.debug_flags, (std::vector<std::string>{"trace", "fault"}));
    ASSERT_EQ(merged.manifest_passthrough.size(), 2u);
    EXPECT_EQ(merged.manifest_passthrough[1].second.string, "/user"); // applied last: wins
    EXPECT_EQ(merged.run.memory_mib, 256u);                           // RunConfig is the user's
    EXPECT_EQ(merged.local_files_parent_directory, m_dir / "work");
    // No TargetRoot anywhere: the package's sysroot, also mapped onto "/".
    EXPECT_EQ(merged.target_root, (package_dir() / "sysroot").string());
    ASSERT_EQ(merged.map_dirs.size(), 1u);
    EXPECT_EQ(merged.map_dirs.begin()->first, "../pkg/app_1.0/sysroot");
    EXPECT_EQ(merged.map_dirs.begin()->second, "/");
}

TEST_F(PackageMerge, UserSettingsWinWhenGiven) {
    ops::Config merged = ops::merge_package_config(
        manifest(R"({"Program": "app", "NameServers": ["1.1.1.1"], "BaseVolumeSz": "10m",
                     "MapDirs": {"data/*": "/data", "/etc/x": "/x"}, "TargetRoot": "root"})"),
        user(R"({"NameServers": ["9.9.9.9"], "BaseVolumeSz": "20m", "TargetRoot": "/my/root",
                 "MapDirs": {"mine": "/mine", "data/*": "/other"}})"),
        package_dir());
    EXPECT_EQ(merged.name_servers, (std::vector<std::string>{"9.9.9.9"}));
    EXPECT_EQ(*merged.base_volume_bytes, 20u << 20);
    EXPECT_EQ(merged.target_root, "/my/root");
    // The package's relative MapDirs sources are its own files, the user's the user's.
    EXPECT_EQ(merged.map_dirs.at("../pkg/app_1.0/data/*"), "/data");
    EXPECT_EQ(merged.map_dirs.at("data/*"), "/other");
    EXPECT_EQ(merged.map_dirs.at("mine"), "/mine");
    EXPECT_EQ(merged.map_dirs.at("/etc/x"), "/x");
    EXPECT_EQ(merged.map_dirs.at("../pkg/app_1.0/sysroot"), "/");
}

TEST_F(PackageMerge, PackageTargetRootIsRelativeToThePackage) {
    ops::Config merged = ops::merge_package_config(
        manifest(R"({"Program": "app", "TargetRoot": "root"})"), user("{}"), package_dir());
    EXPECT_EQ(merged.target_root, (package_dir() / "root").string());
}

// The whole load path short of booting: add a package, merge, build the image, read it back.
TEST(PackageLoad, BuildsTheImageFromThePackage) {
    ScratchDirectory dir;
    fs::path source = dir / "src/hello_2.0";
    if (!image_test::compile_c(source / "hello", image_test::kHelloSource, "-static"))
        GTEST_SKIP() << "no static gcc";
    write_text(source / "package.manifest",
               R"({"Program": "hello_2.0/hello", "Args": ["pkg-arg"], "Env": {"FROM": "pkg"}})");
    write_text(source / "sysroot/etc/passwd", "app:x:1:1::/:/none\n");
    write_text(source / "sysroot/data/motd", "from the package\n");
    write_text(dir / "work/mine.txt", "user file\n");
    write_text(dir / "kernel.elf", std::string(4096, 'k'));

    ops::PackageStore store(dir / ".ops");
    ops::add_package(store, ops::AddRequest{source, ""});
    ops::Config user = decode(R"({"Args": ["user-arg"], "Files": ["mine.txt"]})");
    user.local_files_parent_directory = dir / "work";
    ops::LoadedPackage loaded =
        ops::load_package(store, ops::parse_package_ref("hello"), ops::PackageSource::local, user);
    EXPECT_EQ(loaded.info.version, "2.0");

    fs::path image = dir / "images/hello";
    fs::create_directories(image.parent_path());
    fs::path before = fs::current_path();
    ops::build_package_image(ops::BuildRequest{loaded.config, image, dir / "kernel.elf"},
                             loaded.program_base);
    EXPECT_EQ(fs::current_path(), before);

    image_test::ImageReader reader(image);
    nlohmann::json manifest = reader.manifest_json();
    EXPECT_EQ(manifest["program"], "/hello_2.0/hello");
    EXPECT_EQ(manifest["arguments"],
              nlohmann::json::array({"hello_2.0/hello", "pkg-arg", "user-arg"}));
    EXPECT_EQ(manifest["environment"]["FROM"], "pkg");
    EXPECT_EQ(image_test::ImageReader::file(reader.root_fs(), "/hello_2.0/hello"),
              read_text(source / "hello"));
    EXPECT_EQ(image_test::ImageReader::file(reader.root_fs(), "/etc/passwd"),
              "app:x:1:1::/:/none\n"); // the package's replaces the generated one
    EXPECT_EQ(image_test::ImageReader::file(reader.root_fs(), "/data/motd"), "from the package\n");
    EXPECT_EQ(image_test::ImageReader::file(reader.root_fs(), "/mine.txt"), "user file\n");
}

} // namespace
} // namespace pkg_test
