// ld_so_conf_test.cpp: ld.so.conf syntax, include globs (absolute and relative), include loops,
// and lookups that stay inside the sysroot.
#include "ops/image/ld_so_conf.h"

#include "tests/unit/ops/image/image_test_support.h"

namespace ops {
namespace {

using image_test::ScratchDirectory;
using image_test::write_text;
using Kind = LdSoConfLine::Kind;
namespace fs = std::filesystem;

TEST(LdSoConfParse, DirectoriesIncludesCommentsAndObsoleteLines) {
    std::vector<LdSoConfLine> expected = {
        {Kind::include, "/etc/ld.so.conf.d/*.conf"},
        {Kind::directory, "/usr/local/lib"},
        {Kind::directory, "/opt/lib"},
        {Kind::directory, "/"},
        {Kind::include, "a.conf"},
        {Kind::include, "b/*.conf"},
        {Kind::directory, "/usr/X11R6/lib"},
    };
    EXPECT_EQ(parse_ld_so_conf("include /etc/ld.so.conf.d/*.conf\n"
                               "# libc default configuration\n"
                               "  /usr/local/lib  # trailing comment\n"
                               "/opt/lib//\n"
                               "/\n"
                               "relative/dir\n"
                               "hwcap 0 nosegneg\n"
                               "\tinclude a.conf b/*.conf\n"
                               "/usr/X11R6/lib=libc5\r\n"
                               "\n"),
              expected);
    EXPECT_TRUE(parse_ld_so_conf("").empty());
    // "includes" is a directory name that happens to start like the keyword: relative, ignored.
    EXPECT_TRUE(parse_ld_so_conf("includes\n").empty());
}

class LdSoConfTest : public testing::Test {
protected:
    fs::path root() const { return m_dir / "root"; }
    void file(const std::string& image, const std::string& text) {
        write_text(root() / fs::path(image).relative_path(), text);
    }
    ScratchDirectory m_dir;
};

TEST_F(LdSoConfTest, FollowsIncludeGlobsInOrder) {
    file("/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n/opt/direct\n");
    file("/etc/ld.so.conf.d/b.conf", "/opt/b\n/opt/a\n");
    file("/etc/ld.so.conf.d/a.conf", "/opt/a # first\ninclude sub/*.conf\n");
    file("/etc/ld.so.conf.d/sub/c.conf", "/opt/c/\n");
    file("/etc/ld.so.conf.d/ignored.txt", "/opt/not-a-conf-file\n");
    std::vector<std::string> expected = {"/opt/a", "/opt/c", "/opt/b", "/opt/direct"};
    EXPECT_EQ(read_ld_so_conf(Sysroot(root())), expected);
}

TEST_F(LdSoConfTest, IncludeLoopsEnd) {
    file("/etc/ld.so.conf", "include /etc/ld.so.conf\ninclude /etc/other.conf\n/opt/one\n");
    file("/etc/other.conf", "include ld.so.conf\n/opt/two\n");
    std::vector<std::string> expected = {"/opt/two", "/opt/one"};
    EXPECT_EQ(read_ld_so_conf(Sysroot(root())), expected);
}

TEST_F(LdSoConfTest, MissingFileGivesNoDirectories) {
    fs::create_directories(root());
    EXPECT_TRUE(read_ld_so_conf(Sysroot(root())).empty());
}

TEST_F(LdSoConfTest, AbsoluteDirectoryLinksStayInsideTheRoot) {
    // /etc -> /config inside the root; read on the host as is, it would reach the host's /config.
    file("/config/ld.so.conf", "include /config/more/*.conf\n");
    file("/config/more/x.conf", "/opt/x\n");
    fs::create_directory_symlink("/config", root() / "etc");
    std::vector<std::string> expected = {"/opt/x"};
    EXPECT_EQ(read_ld_so_conf(Sysroot(root())), expected);
}

TEST(LdSoConfHost, ReadsThisHostsConfiguration) {
    if (!fs::exists("/etc/ld.so.conf"))
        GTEST_SKIP() << "no /etc/ld.so.conf on this host";
    std::vector<std::string> directories = read_ld_so_conf(Sysroot());
    for (const std::string& directory : directories) {
        EXPECT_EQ(directory.front(), '/') << directory;
        EXPECT_EQ(std::count(directories.begin(), directories.end(), directory), 1) << directory;
    }
}

TEST(SysrootTest, ResolvesDirectoryLinksInsideTheRoot) {
    ScratchDirectory dir;
    fs::path root = dir / "root";
    fs::create_directories(root / "usr/lib/x86_64-linux-gnu");
    fs::create_directory_symlink("/usr/lib", root / "lib");          // absolute, like merged /usr
    fs::create_directory_symlink("../usr/lib", root / "usr/lib64"); // relative
    fs::create_directory_symlink("loop", root / "loop");
    Sysroot sysroot(root);
    EXPECT_EQ(sysroot.host_path("/lib/x86_64-linux-gnu/libc.so.6"),
              root / "usr/lib/x86_64-linux-gnu/libc.so.6");
    EXPECT_EQ(sysroot.host_path("/usr/lib64/x"), root / "usr/lib/x");
    // The last component is not followed: it may be a link to keep.
    EXPECT_EQ(sysroot.host_path("/lib"), root / "lib");
    EXPECT_EQ(sysroot.host_path("/loop/x"), fs::path());
    EXPECT_EQ(sysroot.image_path_of(root / "usr/lib/x"), "/usr/lib/x");
    EXPECT_EQ(Sysroot().host_path("/lib/../lib64/x"), "/lib64/x");
    EXPECT_TRUE(Sysroot("/").is_host());
}

TEST(SysrootTest, ImagePathHelpers) {
    EXPECT_EQ(join_image_path("/lib64", "../lib/x.so"), "/lib/x.so");
    EXPECT_EQ(join_image_path("/lib64", "/usr/lib/x.so"), "/usr/lib/x.so");
    EXPECT_EQ(join_image_path("/", "x"), "/x");
    EXPECT_EQ(image_directory("/a/b"), "/a");
    EXPECT_EQ(image_directory("/a"), "/");
}

} // namespace
} // namespace ops
