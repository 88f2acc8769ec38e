// from_run_test.cpp: ops/pkg/from_run.cpp: a dynamic program, its libraries and its config's
// files become a package that loads without the host's files.
#include "ops/base/error.h"
#include "ops/config/config_file.h"
#include "ops/image/build.h"
#include "ops/pkg/from_run.h"
#include "ops/pkg/load.h"
#include "tests/unit/ops/pkg/pkg_test_support.h"

#include <gtest/gtest.h>

namespace pkg_test {
namespace {

class FromRun : public testing::Test {
  protected:
    void SetUp() override {
        if (!image_test::compile_c(m_dir / "work/hello", image_test::kHelloSource, ""))
            GTEST_SKIP() << "no gcc";
        write_text(m_dir / "work/conf/app.conf", "key=value\n");
        write_text(m_dir / "work/static/index.html", "<h1>hi</h1>\n");
        write_text(m_dir / "kernel.elf", std::string(4096, 'k'));
    }
    ops::PackageStore store() const { return ops::PackageStore(m_dir / ".ops"); }
    ops::Config config(const std::string& json) const {
        ops::Config c = ops::decode_config(json, "config.json");
        c.local_files_parent_directory = m_dir / "work";
        return c;
    }
    ScratchDirectory m_dir;
};

TEST_F(FromRun, CapturesProgramLibrariesAndFiles) {
    ops::Config c = config(R"({"Program": "hello", "Args": ["a1"], "Env": {"K": "v"},
                               "Files": ["conf/app.conf"], "Dirs": ["static"],
                               "RunConfig": {"Memory": "128M"}})");
    ops::PackageInfo info = ops::create_package_from_run(store(), {c, "hello", "0.1"});
    fs::path dir = store().local_root() / "hello_0.1";
    EXPECT_EQ(info.path, dir);
    EXPECT_EQ(read_text(dir / "hello"), read_text(m_dir / "work/hello"));
    EXPECT_TRUE(fs::exists(dir / "sysroot/lib/x86_64-linux-gnu/libc.so.6") ||
                fs::exists(dir / "sysroot/usr/lib/x86_64-linux-gnu/libc.so.6"));
    EXPECT_TRUE(fs::exists(fs::symlink_status(dir / "sysroot/lib64/ld-linux-x86-64.so.2")));
    EXPECT_EQ(read_text(dir / "sysroot/conf/app.conf"), "key=value\n");
    EXPECT_EQ(read_text(dir / "sysroot/static/index.html"), "<h1>hi</h1>\n");

    nlohmann::json manifest = nlohmann::json::parse(read_text(dir / "package.manifest"));
    EXPECT_EQ(manifest["Program"], "hello_0.1/hello");
    EXPECT_EQ(manifest["Args"], nlohmann::json::array({"a1"}));
    EXPECT_EQ(manifest["Env"]["K"], "v");
    EXPECT_EQ(manifest["Version"], "0.1");
    EXPECT_FALSE(manifest.contains("Files")); // baked into sysroot/
    EXPECT_FALSE(manifest.contains("RunConfig"));

    // Loads and builds from the package alone: the work directory is gone.
    fs::remove_all(m_dir / "work");
    fs::create_directories(m_dir / "elsewhere");
    ops::Config user;
    user.local_files_parent_directory = m_dir / "elsewhere";
    ops::LoadedPackage loaded = ops::load_package(store(), ops::parse_package_ref("hello:0.1"),
                                                  ops::PackageSource::local, user);
    fs::path image = m_dir / "images/hello";
    fs::create_directories(image.parent_path());
    ops::build_package_image(ops::BuildRequest{loaded.config, image, m_dir / "kernel.elf"},
                             loaded.program_base);
    image_test::ImageReader reader(image);
    EXPECT_EQ(reader.manifest_json()["program"], "/hello_0.1/hello");
    EXPECT_EQ(image_test::ImageReader::file(reader.root_fs(), "/conf/app.conf"), "key=value\n");
    EXPECT_NE(image_test::ImageReader::find(reader.root_fs(), "/lib64/ld-linux-x86-64.so.2"),
              nullptr);
}

TEST_F(FromRun, RefusesBadInputAndLeavesNothing) {
    ops::Config c = config(R"({"Program": "hello"})");
    EXPECT_NE(error_of([&] {
                  ops::create_package_from_run(store(), {c, "../x", "1"});
              }).find("invalid package name"),
              std::string::npos);
    EXPECT_NE(error_of([&] {
                  ops::create_package_from_run(store(), {c, "x", "1_2"});
              }).find("invalid package version"),
              std::string::npos);
    ops::Config missing_file = config(R"({"Program": "hello", "Files": ["nope.txt"]})");
    EXPECT_NE(error_of([&] {
                  ops::create_package_from_run(store(), {missing_file, "x", "1"});
              }).find("the entry \"nope.txt\" in Files does not exist"),
              std::string::npos);
    write_text(m_dir / "work/notelf", "#!/bin/sh\n");
    ops::Config script = config(R"({"Program": "notelf"})");
    EXPECT_NE(error_of([&] { ops::create_package_from_run(store(), {script, "x", "1"}); }), "");
    EXPECT_EQ(tree(store().local_root()), std::vector<std::string>{});

    ops::create_package_from_run(store(), {c, "x", "1"});
    std::string again = error_of([&] { ops::create_package_from_run(store(), {c, "x", "1"}); });
    EXPECT_NE(again.find("already exists"), std::string::npos) << again;
}

} // namespace
} // namespace pkg_test
