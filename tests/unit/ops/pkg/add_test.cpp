// add_test.cpp: ops/pkg/add.cpp and package_store.cpp: adding directories and archives, naming,
// resolving references, and that a failing add leaves nothing behind.
#include "ops/base/error.h"
#include "ops/pkg/add.h"
#include "ops/pkg/package_manifest.h"
#include "tests/unit/ops/pkg/pkg_test_support.h"

#include <gtest/gtest.h>

namespace pkg_test {
namespace {

class PackageAdd : public testing::Test {
  protected:
    ops::PackageStore store() const { return ops::PackageStore(m_dir / ".ops"); }
    fs::path local() const { return store().local_root(); }

    // A package directory "<name>" holding `program` and a manifest.
    fs::path make_package(const std::string& name, const std::string& manifest,
                          const std::string& program = "app") const {
        fs::path dir = m_dir / "src" / name;
        write_text(dir / "package.manifest", manifest);
        write_text(dir / program, "\x7f"
                                  "ELF");
        write_text(dir / "sysroot/etc/motd", "hi\n");
        write_text(dir / "README.md", "# app\n");
        return dir;
    }
    ops::PackageInfo add(const fs::path& source, const std::string& name = "") const {
        return ops::add_package(store(), ops::AddRequest{source, name});
    }
    std::string add_error(const fs::path& source, const std::string& name = "") const {
        return error_of([&] { add(source, name); });
    }

    ScratchDirectory m_dir;
};

TEST_F(PackageAdd, DirectoryNamedNameUnderscoreVersion) {
    fs::path source = make_package("app_1.0", R"({"Program": "app_1.0/app", "Language": "C"})");
    ops::PackageInfo info = add(source);
    EXPECT_EQ(info.reference(), "app:1.0");
    EXPECT_EQ(info.path, local() / "app_1.0");
    EXPECT_EQ(read_text(local() / "app_1.0/sysroot/etc/motd"), "hi\n");
    EXPECT_EQ(tree(local()),
              (std::vector<std::string>{"app_1.0", "app_1.0/README.md", "app_1.0/app",
                                        "app_1.0/package.manifest", "app_1.0/sysroot",
                                        "app_1.0/sysroot/etc", "app_1.0/sysroot/etc/motd"}));
    ops::PackageManifest manifest = ops::read_package_manifest(info.path);
    EXPECT_EQ(manifest.program, "app_1.0/app");
    EXPECT_EQ(manifest.program_base, local());
    EXPECT_EQ(manifest.metadata.language, "C");
}

TEST_F(PackageAdd, NameOptionAndManifestVersion) {
    fs::path source = make_package("whatever", R"({"Program": "app", "Version": "2.1"})");
    EXPECT_EQ(add(source, "tool").reference(), "tool:2.1");
    EXPECT_EQ(add(source, "tool:3.0").reference(), "tool:3.0");
    ops::PackageManifest manifest = ops::read_package_manifest(local() / "tool_3.0");
    EXPECT_EQ(manifest.program, "app");
    EXPECT_EQ(manifest.program_base, local() / "tool_3.0");
}

TEST_F(PackageAdd, RenamedPackageKeepsFindingItsProgram) {
    fs::path source = make_package("lua_5.2.4", R"({"Program": "lua_5.2.4/app"})");
    add(source, "mylua:5.2.4");
    ops::PackageManifest manifest = ops::read_package_manifest(local() / "mylua_5.2.4");
    EXPECT_EQ(manifest.program, "mylua_5.2.4/app");
}

TEST_F(PackageAdd, TarGzWithTopDirectory) {
    TarWriter tar;
    tar.directory("app_1.0/");
    tar.file("app_1.0/package.manifest", R"({"Program": "app_1.0/app", "Description": "demo"})");
    tar.file("app_1.0/app",
             "\x7f"
             "ELF",
             0755);
    tar.file("app_1.0/sysroot/etc/motd", "hi\n");
    write_gzip(m_dir / "app.tar.gz", tar.bytes());
    ops::PackageInfo info = add(m_dir / "app.tar.gz");
    EXPECT_EQ(info.reference(), "app:1.0");
    EXPECT_EQ(info.description, "demo");
    EXPECT_EQ(read_text(local() / "app_1.0/sysroot/etc/motd"), "hi\n");

    std::vector<ops::PackageInfo> listed = store().list(ops::PackageSource::local);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].description, "demo");
}

TEST_F(PackageAdd, FlatTarGzNamedByFile) {
    TarWriter tar;
    tar.file("package.manifest", R"({"Program": "app"})");
    tar.file("app",
             "\x7f"
             "ELF",
             0755);
    write_gzip(m_dir / "flat_0.3.tar.gz", tar.bytes());
    EXPECT_EQ(add(m_dir / "flat_0.3.tar.gz").reference(), "flat:0.3");
}

// Atomicity: whatever fails, the store holds nothing new (not even a temporary).
TEST_F(PackageAdd, FailuresLeaveNothingBehind) {
    fs::path bad_field = make_package("a_1", "{\n  \"Program\": \"app\",\n  \"Argz\": []\n}\n");
    std::string error = add_error(bad_field);
    EXPECT_NE(error.find("package.manifest:3:3: unknown field Argz: did you mean Args?"),
              std::string::npos)
        << error;

    fs::path no_program = make_package("b_1", R"({"Program": "b_1/missing"})");
    EXPECT_NE(add_error(no_program).find("is not a file in the package"), std::string::npos);

    fs::path escaping = make_package("c_1", R"({"Program": "../../etc/passwd"})");
    EXPECT_NE(add_error(escaping).find("must be a relative path inside the package"),
              std::string::npos);

    fs::path no_manifest = m_dir / "src" / "d_1";
    write_text(no_manifest / "app", "x");
    EXPECT_NE(add_error(no_manifest).find("has no package.manifest"), std::string::npos);

    write_text(m_dir / "corrupt.tar.gz", "\x1f\x8b garbage garbage garbage");
    EXPECT_NE(add_error(m_dir / "corrupt.tar.gz").find("corrupt gzip data"), std::string::npos);

    TarWriter hostile;
    hostile.file("package.manifest", R"({"Program": "app"})");
    hostile.file("app", "x");
    hostile.file("../../escape", "x");
    write_gzip(m_dir / "hostile_1.tar.gz", hostile.bytes());
    EXPECT_NE(add_error(m_dir / "hostile_1.tar.gz").find("escape"), std::string::npos);

    fs::path no_version = make_package("noversion", R"({"Program": "app"})");
    EXPECT_NE(add_error(no_version).find("has no version"), std::string::npos);

    EXPECT_NE(add_error(m_dir / "nope").find("does not exist"), std::string::npos);
    EXPECT_EQ(tree(local()), std::vector<std::string>{});
}

TEST_F(PackageAdd, ExistingPackageIsNeverReplaced) {
    fs::path first = make_package("app_1.0", R"({"Program": "app", "Description": "first"})");
    add(first);
    fs::path second = make_package("other", R"({"Program": "app", "Description": "second"})");
    std::string error = add_error(second, "app:1.0");
    EXPECT_EQ(error, "the local package app:1.0 already exists (" + (local() / "app_1.0").string() +
                         "): delete it first with ops pkg delete <name>:<version> -l, or pick "
                         "another name or version");
    EXPECT_EQ(ops::read_package_metadata(local() / "app_1.0").description, "first");
    EXPECT_EQ(tree(local()).size(), 7u);
}

TEST_F(PackageAdd, FindResolvesVersionsAndSaysWhatExists) {
    for (const char* version : {"1.9", "1.10", "1.2"})
        add(make_package(std::string("app_") + version, R"({"Program": "app"})"));
    auto find = [&](const std::string& text) {
        return store().find(ops::parse_package_ref(text), ops::PackageSource::local).version;
    };
    EXPECT_EQ(find("app"), "1.10");
    EXPECT_EQ(find("app:latest"), "1.10");
    EXPECT_EQ(find("app:1.9"), "1.9");
    EXPECT_EQ(find("app_1.2"), "1.2");

    std::string missing_version = error_of([&] { find("app:3.0"); });
    EXPECT_EQ(missing_version, "the local package app has no version 3.0: versions there are: "
                               "1.2, 1.9, 1.10 (ops pkg list -l)");
    std::string unknown = error_of([&] { find("nosuch"); });
    EXPECT_NE(unknown.find("no local package named \"nosuch\""), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("app:1.2, app:1.9, app:1.10"), std::string::npos) << unknown;
    std::string downloaded = error_of(
        [&] { store().find(ops::parse_package_ref("app"), ops::PackageSource::downloaded); });
    EXPECT_NE(downloaded.find("offline"), std::string::npos) << downloaded;
}

TEST_F(PackageAdd, DeleteRemovesOnlyThatVersion) {
    add(make_package("app_1.0", R"({"Program": "app"})"));
    add(make_package("app_2.0", R"({"Program": "app"})"));
    ops::PackageInfo one =
        store().find(ops::parse_package_ref("app:1.0"), ops::PackageSource::local);
    store().remove(one);
    std::vector<ops::PackageInfo> left = store().list(ops::PackageSource::local);
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].version, "2.0");
    EXPECT_FALSE(fs::exists(local() / "app_1.0"));
}

TEST_F(PackageAdd, ListsDownloadedPackagesByNamespace) {
    fs::path repo = store().downloaded_root();
    write_text(repo / "eyberg/node_14.2.0/package.manifest", R"({"Program": "node_14.2.0/node"})");
    write_text(repo / "eyberg/node_14.2.0/node", "x");
    write_text(repo / "other/broken_1/package.manifest", "{");
    std::vector<ops::PackageInfo> listed = store().list(ops::PackageSource::downloaded);
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0].reference(), "other/broken:1");
    EXPECT_NE(listed[0].problem.find("invalid JSON"), std::string::npos);
    EXPECT_EQ(listed[1].reference(), "eyberg/node:14.2.0");
    EXPECT_EQ(store().find(ops::parse_package_ref("node"), ops::PackageSource::downloaded).ns,
              "eyberg");
}

} // namespace
} // namespace pkg_test
