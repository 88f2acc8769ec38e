// manifest_test.cpp: program, argv, envp, cwd, flags and numbers read from real vector roots and
// from hand-built trees (manifest.md 2, 7).
#include "common/manifest/manifest.h"
#include "common/tfs/filesystem.h"
#include "tests/unit/common/tfs/tfs_test_support.h"

#include <gtest/gtest.h>

#include <set>

using namespace tfs_test;

namespace {

std::vector<std::string> argv_of(const tfs::Value* root) {
    size_t count;
    EXPECT_EQ(manifest::arguments(root, common::Span<common::Bytes>(), &count),
              manifest::Error::none);
    std::vector<common::Bytes> out(count);
    EXPECT_EQ(
        manifest::arguments(root, common::Span<common::Bytes>(out.data(), out.size()), &count),
        manifest::Error::none);
    std::vector<std::string> result;
    for (auto b : out)
        result.push_back(str(b));
    return result;
}

std::set<std::string> envp_of(const tfs::Value* root) {
    size_t count;
    manifest::environment(root, common::Span<manifest::EnvVar>(), &count);
    std::vector<manifest::EnvVar> out(count);
    manifest::environment(root, common::Span<manifest::EnvVar>(out.data(), out.size()), &count);
    std::set<std::string> result;
    for (auto& e : out)
        result.insert(str(e.name) + "=" + str(e.value));
    return result;
}

TEST(Manifest, VectorA) {
    MallocAllocator allocator;
    MemoryDisk disk(vector_image("a-minimal"));
    tfs::Filesystem fs(allocator);
    ASSERT_EQ(fs.mount(disk), tfs::Error::none);
    common::Bytes program;
    ASSERT_EQ(manifest::program(fs.root(), &program), manifest::Error::none);
    EXPECT_EQ(str(program), "/hello");
    EXPECT_EQ(argv_of(fs.root()), std::vector<std::string>({"hello", "a"}));
    EXPECT_EQ(envp_of(fs.root()), std::set<std::string>({"USER=root"}));
    common::Bytes cwd;
    EXPECT_FALSE(manifest::cwd(fs.root(), &cwd));
    EXPECT_FALSE(manifest::has_flag(fs.root(), manifest::key::noaslr));
}

TEST(Manifest, VectorB) {
    MallocAllocator allocator;
    MemoryDisk disk(vector_image("b-tree"));
    tfs::Filesystem fs(allocator);
    ASSERT_EQ(fs.mount(disk), tfs::Error::none);
    common::Bytes cwd;
    ASSERT_TRUE(manifest::cwd(fs.root(), &cwd));
    EXPECT_EQ(str(cwd), "/data");
    EXPECT_TRUE(manifest::has_flag(fs.root(), manifest::key::noaslr));
    EXPECT_FALSE(manifest::has_flag(fs.root(), manifest::key::trace));
    EXPECT_EQ(envp_of(fs.root()), std::set<std::string>({"LANG=C.UTF-8", "PWD=/", "USER=root"}));
    EXPECT_EQ(argv_of(fs.root()).size(), 3u);
}

TEST(Manifest, DefaultsAndTypes) {
    MallocAllocator allocator;
    tfs::Tree t(allocator);
    tfs::Value* root = t.make_tuple();
    common::Bytes program;
    EXPECT_EQ(manifest::program(root, &program), manifest::Error::missing_program);
    size_t count;
    EXPECT_EQ(manifest::arguments(root, common::Span<common::Bytes>(), &count),
              manifest::Error::missing_program);
    // A non-string program is missing too.
    ASSERT_EQ(t.set(root, manifest::key::program, t.make_integer(3)), tfs::Error::none);
    EXPECT_EQ(manifest::program(root, &program), manifest::Error::missing_program);
    ASSERT_EQ(t.set(root, manifest::key::program, t.make_string("/bin/x")), tfs::Error::none);
    // No arguments: argv = [program]. An empty vector too.
    EXPECT_EQ(argv_of(root), std::vector<std::string>({"/bin/x"}));
    tfs::Value* args = t.make_vector();
    ASSERT_EQ(t.set(root, manifest::key::arguments, args), tfs::Error::none);
    EXPECT_EQ(argv_of(root), std::vector<std::string>({"/bin/x"}));
    ASSERT_EQ(t.vector_append(args, t.make_string("x")), tfs::Error::none);
    ASSERT_EQ(t.vector_append(args, nullptr), tfs::Error::none);
    ASSERT_EQ(t.vector_append(args, t.make_string("")), tfs::Error::none);
    ASSERT_EQ(t.vector_append(args, t.make_string("y")), tfs::Error::none);
    EXPECT_EQ(argv_of(root), std::vector<std::string>({"x", "y"}));
    // Environment skips non-strings.
    tfs::Value* env = t.make_tuple();
    ASSERT_EQ(t.set(env, "A", t.make_string("1")), tfs::Error::none);
    ASSERT_EQ(t.set(env, "B", t.make_tuple()), tfs::Error::none);
    ASSERT_EQ(t.set(root, manifest::key::environment, env), tfs::Error::none);
    EXPECT_EQ(envp_of(root), std::set<std::string>({"A=1"}));
    // Flags: presence only, any value.
    ASSERT_EQ(t.set(root, manifest::key::trace, t.make_string("f")), tfs::Error::none);
    ASSERT_EQ(t.set(root, manifest::key::missing_files, t.null_flag()), tfs::Error::none);
    EXPECT_TRUE(manifest::has_flag(root, manifest::key::trace));
    EXPECT_TRUE(manifest::has_flag(root, manifest::key::missing_files));
    EXPECT_FALSE(manifest::has_flag(root, manifest::key::debugsyscalls));
    // Numbers: integer or decimal string.
    ASSERT_EQ(t.set(root, "mmap_min_addr", t.make_string("0")), tfs::Error::none);
    ASSERT_EQ(t.set(root, "n", t.make_integer(42)), tfs::Error::none);
    ASSERT_EQ(t.set(root, "bad", t.make_string("4k")), tfs::Error::none);
    uint64_t v = 9;
    EXPECT_TRUE(manifest::number(root, "mmap_min_addr", &v));
    EXPECT_EQ(v, 0u);
    EXPECT_TRUE(manifest::number(root, "n", &v));
    EXPECT_EQ(v, 42u);
    EXPECT_FALSE(manifest::number(root, "bad", &v));
    EXPECT_FALSE(manifest::number(root, "absent", &v));
}

} // namespace
