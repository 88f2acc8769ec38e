// image_reader_test.cpp: ops/image/image_reader on the TFS test vectors (bare a, b, c, e and the
// partitioned d), symlink resolution, copy_out, and files that are not TFS images.
#include "ops/image/image_reader.h"

#include "ops/base/error.h"
#include "tests/unit/ops/image/reader_test_support.h"

namespace ops {
namespace {

using image_test::read_text;
using image_test::ScratchDirectory;
using image_test::write_text;
using image_test::write_vector;
namespace fs = std::filesystem;

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.message();
    }
    return "<no error>";
}

TEST(ImageReader, ReadsBareMinimalVector) {
    ScratchDirectory dir;
    ImageReader reader(write_vector(dir.path(), "a-minimal"));
    EXPECT_FALSE(reader.partitioned());
    EXPECT_EQ(reader.read_text("/hello"), "hi\n");
    EXPECT_EQ(reader.read_text("hello"), "hi\n");
    auto environment = reader.environment();
    ASSERT_EQ(environment.size(), 1u);
    EXPECT_EQ(environment[0].first, "USER");
    EXPECT_EQ(environment[0].second, "root");
}

TEST(ImageReader, ListsTreeVectorSorted) {
    ScratchDirectory dir;
    ImageReader reader(write_vector(dir.path(), "b-tree"));
    std::vector<std::string> names;
    for (const EntryInfo& entry : reader.list("/"))
        names.push_back(entry.name);
    EXPECT_EQ(names, (std::vector<std::string>{"bin", "data", "docs", "emptydir", "usr"}));

    std::vector<EntryInfo> data = reader.list("/data");
    ASSERT_EQ(data.size(), 4u);
    EXPECT_EQ(data[0].name, "big.txt");
    EXPECT_EQ(data[0].type, EntryType::file);
    EXPECT_EQ(data[0].size_bytes, 204800u);
    EXPECT_EQ(data[1].name, "empty");
    EXPECT_EQ(data[1].size_bytes, 0u);
    EXPECT_EQ(data[2].name, "latest");
    EXPECT_EQ(data[2].type, EntryType::symlink);
    EXPECT_EQ(data[2].link_target, "big.txt");
    EXPECT_EQ(data[3].name, "notes v1.txt");
    EXPECT_TRUE(reader.list("/emptydir").empty());

    // A file path lists the file itself.
    auto single = reader.list("/bin/app");
    ASSERT_EQ(single.size(), 1u);
    EXPECT_EQ(single[0].size_bytes, 3000u);
}

TEST(ImageReader, FollowsSymlinksAndReadsLargeFiles) {
    ScratchDirectory dir;
    ImageReader reader(write_vector(dir.path(), "b-tree"));
    EXPECT_EQ(reader.read_text("/data/notes v1.txt"), "a file name with a space and a dot\n");
    std::string big = reader.read_text("/data/latest");  // relative link to big.txt
    EXPECT_EQ(big.size(), 204800u);
    EXPECT_EQ(tfs_test::sha256_hex(reinterpret_cast<const uint8_t*>(big.data()), big.size()),
              "5c0a66fa8e9d4dd9babc100bfefbbae48678d44a5d58ecfd828423882e4dca89");
    // An absolute link in the middle of a path.
    EXPECT_EQ(reader.read_text("/docs/README").size(), 120u);
    EXPECT_EQ(reader.stat("/docs", FinalSymlink::keep).type, EntryType::symlink);
    EXPECT_EQ(reader.stat("/docs").type, EntryType::directory);
    EXPECT_EQ(reader.stat("/docs").path, "/usr/share/doc/tfs-test");
}

TEST(ImageReader, MissingPathsAreClearErrors) {
    ScratchDirectory dir;
    fs::path file = write_vector(dir.path(), "b-tree");
    ImageReader reader(file);
    std::string message = error_of([&] { reader.read_text("/nope"); });
    EXPECT_NE(message.find("/nope in " + file.string() + ": no such file or directory"),
              std::string::npos)
        << message;
    EXPECT_NE(error_of([&] { reader.read_text("/data"); }).find("not a regular file"),
              std::string::npos);
    EXPECT_NE(error_of([&] { reader.list("/bin/app/x"); }).find("not a directory"),
              std::string::npos);
}

TEST(ImageReader, ReadsVolumeVectorLabel) {
    ScratchDirectory dir;
    ImageReader reader(write_vector(dir.path(), "c-volume"));
    EXPECT_EQ(reader.label(), "testvol");
    EXPECT_EQ(reader.uuid(), "c2952663-f0ae-0e38-8365-cef92e8ff99b");
    EXPECT_EQ(reader.read_text("/logs/app.log").substr(0, 14), "first log line");
    EXPECT_TRUE(reader.environment().empty());
}

TEST(ImageReader, ReadsPartitionedDiskBothFileSystems) {
    ScratchDirectory dir;
    fs::path file = write_vector(dir.path(), "d-disk");
    ImageReader root(file);
    EXPECT_TRUE(root.partitioned());
    EXPECT_EQ(root.fs_offset(), 24679u * 512);
    EXPECT_EQ(root.fs_bytes(), fs::file_size(file) - 24679u * 512);
    EXPECT_EQ(root.read_text("/hello"), "hi\n");
    ImageReader boot(file, ImagePart::boot);
    EXPECT_EQ(boot.read_text("/kernel").substr(0, 18), "PLACEHOLDER KERNEL");
    EXPECT_EQ(boot.list("/klib").size(), 1u);
}

TEST(ImageReader, ReadsLargeLogVector) {
    ScratchDirectory dir;
    ImageReader reader(write_vector(dir.path(), "e-largelog"));
    EXPECT_EQ(reader.list("/many").size(), 2600u);
}

TEST(ImageReader, NotATfsImage) {
    ScratchDirectory dir;
    write_text(dir / "short", "abc");
    std::string message = error_of([&] { ImageReader reader(dir / "short"); });
    EXPECT_NE(message.find((dir / "short").string() + " is not a TFS image"), std::string::npos)
        << message;

    write_text(dir / "zeros", std::string(1 << 20, '\0'));
    message = error_of([&] { ImageReader reader(dir / "zeros"); });
    EXPECT_NE(message.find("is not a TFS image (does not mount: bad_magic)"), std::string::npos)
        << message;

    // A partitioned disk whose root FS was overwritten.
    fs::path disk = write_vector(dir.path(), "d-disk");
    {
        std::fstream out(disk, std::ios::in | std::ios::out | std::ios::binary);
        out.seekp(24679 * 512);
        out.write("garbage!", 8);
    }
    message = error_of([&] { ImageReader reader(disk); });
    EXPECT_NE(message.find("is not a TFS image (the file system at byte 12635648"),
              std::string::npos)
        << message;

    EXPECT_NE(error_of([&] { ImageReader reader(dir / "absent"); }).find("cannot open"),
              std::string::npos);
    EXPECT_NE(error_of([&] { ImageReader reader(write_vector(dir.path(), "a-minimal"),
                                                ImagePart::boot); })
                  .find("no boot file system"),
              std::string::npos);
}

TEST(ImageReader, CopyOutFilesDirectoriesAndLinks) {
    ScratchDirectory dir;
    ImageReader reader(write_vector(dir.path(), "b-tree"));

    CopyOutRequest one;
    one.sources = {"/bin/app"};
    one.destination = dir / "app-copy";
    EXPECT_EQ(copy_out(reader, one), 3000u);
    EXPECT_EQ(fs::file_size(dir / "app-copy"), 3000u);

    CopyOutRequest tree;
    tree.sources = {"/data"};
    tree.destination = dir / "out";
    EXPECT_NE(error_of([&] { copy_out(reader, tree); }).find("add -r"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir / "out"));
    tree.recursive = true;
    fs::create_directories(dir / "out");
    EXPECT_EQ(copy_out_bytes(reader, tree), 204800u + 35u);
    copy_out(reader, tree);
    EXPECT_EQ(read_text(dir / "out/data/notes v1.txt"), "a file name with a space and a dot\n");
    EXPECT_TRUE(fs::is_symlink(dir / "out/data/latest"));
    EXPECT_EQ(fs::read_symlink(dir / "out/data/latest"), "big.txt");
    EXPECT_EQ(fs::file_size(dir / "out/data/empty"), 0u);

    CopyOutRequest several;
    several.sources = {"/bin/app", "/data/empty"};
    several.destination = dir / "not-a-dir";
    EXPECT_NE(error_of([&] { copy_out(reader, several); }).find("is not a directory"),
              std::string::npos);
    several.sources = {"/bin/app", "/nope"};
    several.destination = dir / "out";
    EXPECT_NE(error_of([&] { copy_out(reader, several); }).find("no such file"),
              std::string::npos);
    EXPECT_FALSE(fs::exists(dir / "out/app"));  // checked before anything is written

    CopyOutRequest followed;
    followed.sources = {"/docs"};
    followed.destination = dir / "docs";
    followed.recursive = true;
    followed.dereference = true;
    copy_out(reader, followed);
    EXPECT_EQ(fs::file_size(dir / "docs/README"), 120u);
}

TEST(ImageReader, WalkVisitsEverythingDepthFirst) {
    ScratchDirectory dir;
    ImageReader reader(write_vector(dir.path(), "b-tree"));
    std::vector<std::string> paths;
    reader.walk("/", [&](const EntryInfo& entry, unsigned) { paths.push_back(entry.path); });
    EXPECT_EQ(paths.size(), 15u);
    EXPECT_EQ(paths.front(), "/");
    EXPECT_EQ(paths.back(), "/usr/share/doc/tfs-test/README");
}

} // namespace
} // namespace ops
