// image_store_test.cpp: listing, finding and deleting images in a store under a scratch OPS_HOME,
// and resize_image on copies of the test vectors.
#include "ops/image/image_store.h"

#include "common/disk/mbr.h"
#include "ops/base/error.h"
#include "ops/image/image_reader.h"
#include "ops/image/resize.h"
#include "tests/unit/ops/image/reader_test_support.h"

namespace ops {
namespace {

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

TEST(ImageStore, ListsSortedWithoutTemporaries) {
    ScratchDirectory dir;
    StorePaths store(dir / ".ops");
    EXPECT_TRUE(list_images(store).empty());  // no images/ yet
    write_text(store.image("web"), "12345");
    write_text(store.image("api"), "1");
    write_text(store.image("web.tmp-Ab12Cd"), "partial");
    fs::create_directories(store.image("somedir"));
    auto images = list_images(store);
    ASSERT_EQ(images.size(), 2u);
    EXPECT_EQ(images[0].name, "api");
    EXPECT_EQ(images[1].name, "web");
    EXPECT_EQ(images[1].size_bytes, 5u);
    EXPECT_EQ(images[1].path, store.image("web"));
}

TEST(ImageStore, FindsByNameOrPathAndListsWhatExists) {
    ScratchDirectory dir;
    StorePaths store(dir / ".ops");
    write_text(store.image("web"), "x");
    write_text(store.image("api"), "x");
    write_text(dir / "elsewhere.img", "x");
    EXPECT_EQ(find_image(store, "web"), store.image("web"));
    EXPECT_EQ(find_image(store, (dir / "elsewhere.img").string()), dir / "elsewhere.img");
    std::string message = error_of([&] { find_image(store, "nope"); });
    EXPECT_NE(message.find("no image named \"nope\""), std::string::npos) << message;
    EXPECT_NE(message.find("(images: api, web)"), std::string::npos) << message;
}

TEST(ImageStore, DeleteChecksEveryNameFirst) {
    ScratchDirectory dir;
    StorePaths store(dir / ".ops");
    write_text(store.image("web"), "x");
    write_text(store.image("api"), "x");
    std::string message = error_of([&] { delete_images(store, {"web", "nope"}); });
    EXPECT_NE(message.find("no image named \"nope\""), std::string::npos) << message;
    EXPECT_TRUE(fs::exists(store.image("web")));  // nothing deleted
    EXPECT_NE(error_of([&] { delete_images(store, {"../x"}); }).find("no image named"),
              std::string::npos);
    auto deleted = delete_images(store, {"web", "web"});
    EXPECT_EQ(deleted.size(), 1u);
    EXPECT_FALSE(fs::exists(store.image("web")));
    EXPECT_TRUE(fs::exists(store.image("api")));
}

TEST(ImageStore, Formats) {
    EXPECT_EQ(human_size(512), "512 B");
    EXPECT_EQ(human_size(3 << 20), "3.0 MiB");
    EXPECT_EQ(utc_timestamp(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00Z");
    EXPECT_EQ(name_list({}), "none");
}

std::uint32_t root_sectors(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::uint8_t sector0[512];
    in.read(reinterpret_cast<char*>(sector0), sizeof sector0);
    disk::BootDisk boot_disk;
    EXPECT_EQ(disk::parse_boot_disk(common::Bytes(sector0, 512), fs::file_size(file), &boot_disk),
              disk::Error::none);
    return boot_disk.root_fs.sectors;
}

TEST(ImageResize, GrowsPartitionedImageAndItsRootEntry) {
    ScratchDirectory dir;
    fs::path file = write_vector(dir.path(), "d-disk");
    std::uint64_t old_size = fs::file_size(file);
    ResizeResult result = resize_image(file, 64ull << 20);
    EXPECT_EQ(result.old_bytes, old_size);
    EXPECT_EQ(result.new_bytes, 64ull << 20);
    EXPECT_EQ(fs::file_size(file), 64ull << 20);
    EXPECT_EQ(result.root_fs_bytes, (64ull << 20) - 24679 * 512);
    EXPECT_EQ(root_sectors(file), (64ull << 20) / 512 - 24679);
    ImageReader reader(file);  // still mounts, with the larger size
    EXPECT_EQ(reader.fs_bytes(), result.root_fs_bytes);
    EXPECT_EQ(reader.read_text("/hello"), "hi\n");
    // Rounded up to a sector; the same size again changes nothing.
    EXPECT_EQ(resize_image(file, (64ull << 20) + 1).new_bytes, (64ull << 20) + 512);
    EXPECT_EQ(resize_image(file, (64ull << 20) + 512).new_bytes, (64ull << 20) + 512);
}

TEST(ImageResize, GrowsBareVolume) {
    ScratchDirectory dir;
    fs::path file = write_vector(dir.path(), "c-volume");
    resize_image(file, 8 << 20);
    EXPECT_EQ(fs::file_size(file), 8u << 20);
    EXPECT_EQ(ImageReader(file).label(), "testvol");
}

TEST(ImageResize, RefusesShrinkingAndNonImages) {
    ScratchDirectory dir;
    fs::path file = write_vector(dir.path(), "d-disk");
    std::uint64_t size = fs::file_size(file);
    std::string message = error_of([&] { resize_image(file, 1 << 20); });
    EXPECT_NE(message.find("cannot shrink"), std::string::npos) << message;
    EXPECT_NE(message.find("only growing is supported"), std::string::npos) << message;
    EXPECT_EQ(fs::file_size(file), size);

    write_text(dir / "text", std::string(4096, 'x'));
    message = error_of([&] { resize_image(dir / "text", 1 << 20); });
    EXPECT_NE(message.find("is not a TFS image"), std::string::npos) << message;
    EXPECT_EQ(fs::file_size(dir / "text"), 4096u);
}

} // namespace
} // namespace ops
