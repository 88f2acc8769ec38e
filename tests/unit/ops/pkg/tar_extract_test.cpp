// tar_extract_test.cpp: ops/pkg/tar_extract.cpp: what a good archive unpacks to, and that every
// hostile or broken archive is refused with one line naming the problem, writing nothing outside.
#include "ops/base/error.h"
#include "ops/pkg/tar_extract.h"
#include "tests/unit/ops/pkg/pkg_test_support.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace pkg_test {
namespace {

class TarExtract : public testing::Test {
  protected:
    fs::path archive() const { return m_dir / "p.tar.gz"; }
    fs::path out() const { return m_dir / "out"; }
    void SetUp() override { fs::create_directories(out()); }
    std::string extract(const std::string& tar_bytes) {
        write_gzip(archive(), tar_bytes);
        return error_of([&] { ops::extract_tar_gz(archive(), out()); });
    }
    ScratchDirectory m_dir;
};

TEST_F(TarExtract, UnpacksFilesDirectoriesSymlinksAndLongNames) {
    TarWriter tar;
    tar.directory("app_1.0/");
    tar.file("app_1.0/package.manifest", "{\"Program\": \"app_1.0/app\"}", 0644);
    tar.file("./app_1.0/app", "ELF", 0755);
    tar.symlink("app_1.0/sysroot/lib64", "/lib");
    tar.hard_link("app_1.0/app2", "app_1.0/app");
    std::string long_name = "app_1.0/" + std::string(150, 'd') + "/" + std::string(120, 'f');
    tar.pax_path(long_name);
    tar.file("ignored-short-name", "long");
    EXPECT_EQ(extract(tar.bytes()), "");
    EXPECT_EQ(read_text(out() / "app_1.0/package.manifest"), "{\"Program\": \"app_1.0/app\"}");
    EXPECT_EQ(read_text(out() / "app_1.0/app"), "ELF");
    EXPECT_EQ(read_text(out() / "app_1.0/app2"), "ELF");
    EXPECT_EQ(read_text(out() / long_name), "long");
    EXPECT_FALSE(fs::exists(out() / "ignored-short-name"));
    EXPECT_EQ(fs::read_symlink(out() / "app_1.0/sysroot/lib64"), "/lib");
    struct stat st;
    ASSERT_EQ(::stat((out() / "app_1.0/app").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0755u);
}

TEST_F(TarExtract, RefusesDotDot) {
    TarWriter tar;
    tar.file("pkg/../../evil", "x");
    std::string error = extract(tar.bytes());
    EXPECT_NE(error.find("\"..\""), std::string::npos) << error;
    EXPECT_NE(error.find("escape"), std::string::npos) << error;
    EXPECT_FALSE(fs::exists(m_dir / "evil"));
    EXPECT_FALSE(fs::exists(m_dir.path().parent_path() / "evil"));
}

TEST_F(TarExtract, RefusesAbsolutePaths) {
    TarWriter tar;
    tar.file((m_dir / "absolute").string(), "x");
    std::string error = extract(tar.bytes());
    EXPECT_NE(error.find("absolute path"), std::string::npos) << error;
    EXPECT_FALSE(fs::exists(m_dir / "absolute"));
}

TEST_F(TarExtract, NeverWritesThroughASymlinkItMade) {
    fs::create_directories(m_dir / "outside");
    TarWriter tar;
    tar.symlink("link", (m_dir / "outside").string());
    tar.file("link/planted", "x");
    std::string error = extract(tar.bytes());
    EXPECT_NE(error.find("not a directory"), std::string::npos) << error;
    EXPECT_FALSE(fs::exists(m_dir / "outside/planted"));
}

TEST_F(TarExtract, RefusesHardLinksToOutside) {
    TarWriter tar;
    tar.hard_link("passwd", "../../etc/passwd");
    EXPECT_NE(extract(tar.bytes()).find("\"..\""), std::string::npos);
    TarWriter absolute;
    absolute.hard_link("passwd", "/etc/passwd");
    fs::remove_all(out());
    fs::create_directories(out());
    EXPECT_NE(extract(absolute.bytes()).find("absolute path"), std::string::npos);
    EXPECT_FALSE(fs::exists(out() / "passwd"));
}

TEST_F(TarExtract, NotGzip) {
    write_text(archive(), "this is not a package\n");
    std::string error = error_of([&] { ops::extract_tar_gz(archive(), out()); });
    EXPECT_EQ(error, archive().string() + " is not a gzip file (no gzip header): give a package "
                                          "directory or a .tar.gz made with tar -czf");
}

TEST_F(TarExtract, CorruptGzipData) {
    TarWriter tar;
    tar.file("a", std::string(100000, 'a'));
    write_gzip(archive(), tar.bytes());
    std::string bytes = read_text(archive());
    bytes[bytes.size() - 6] = static_cast<char>(bytes[bytes.size() - 6] ^ 0xff); // the CRC32
    write_text(archive(), bytes);
    std::string error = error_of([&] { ops::extract_tar_gz(archive(), out()); });
    EXPECT_EQ(error, archive().string() + " has corrupt gzip data (incorrect data check): "
                                          "download or create the archive again");
}

TEST_F(TarExtract, CorruptGzipHeader) {
    write_text(archive(), std::string("\x1f\x8b\x08\xe0 not really gzip at all"));
    std::string error = error_of([&] { ops::extract_tar_gz(archive(), out()); });
    EXPECT_NE(error.find("corrupt gzip data"), std::string::npos) << error;
}

TEST_F(TarExtract, TruncatedArchive) {
    TarWriter tar;
    tar.file("big", std::string(5000, 'b'));
    std::string bytes = tar.bytes(false).substr(0, 512 + 1000);
    std::string error = extract(bytes);
    EXPECT_NE(error.find("is truncated"), std::string::npos) << error;
    EXPECT_NE(error.find("\"big\""), std::string::npos) << error;
}

TEST_F(TarExtract, BadHeaderChecksum) {
    TarWriter tar;
    tar.file("a", "x");
    tar.corrupt_last_header();
    std::string error = extract(tar.bytes());
    EXPECT_NE(error.find("bad header checksum"), std::string::npos) << error;
}

TEST_F(TarExtract, GzipOfSomethingElse) {
    std::string error = extract(std::string(3000, 'z'));
    EXPECT_NE(error.find("not a valid tar archive"), std::string::npos) << error;
}

} // namespace
} // namespace pkg_test
