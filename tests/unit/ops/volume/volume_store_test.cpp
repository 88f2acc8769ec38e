// volume_store_test.cpp: creating volumes (bare TFS, label = name, sparse, stored as
// <name>:<uuid>.raw), listing, finding and deleting them, and bad input.
#include "ops/volume/volume_store.h"

#include "common/tfs/mutable_filesystem.h"
#include "common/tfs/writer.h"
#include "ops/base/error.h"
#include "ops/image/image_reader.h"
#include "tests/unit/common/tfs/tfs_test_support.h"
#include "tests/unit/ops/image/reader_test_support.h"

#include <fstream>

#include <sys/stat.h>

namespace ops {
namespace {

using image_test::ScratchDirectory;
using image_test::write_text;
namespace fs = std::filesystem;

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.message();
    }
    return "<no error>";
}

constexpr std::array<std::uint8_t, 16> kUuid = {0xc2, 0x95, 0x26, 0x63, 0xf0, 0xae, 0x4e, 0x38,
                                                0x83, 0x65, 0xce, 0xf9, 0x2e, 0x8f, 0xf9, 0x9b};

TEST(VolumeStore, CreatesLabelledSparseVolumeWithData) {
    ScratchDirectory dir;
    StorePaths store(dir / ".ops");
    write_text(dir / "data/readme.txt", "hello volume\n");
    write_text(dir / "data/logs/app.log", "line\n");
    fs::create_symlink("readme.txt", dir / "data/link");

    VolumeCreateRequest request;
    request.name = "data";
    request.size_bytes = 64ull << 20;
    request.data_directory = dir / "data";
    request.uuid = kUuid;
    VolumeInfo volume = create_volume(store, request);
    EXPECT_EQ(volume.uuid, "c2952663-f0ae-4e38-8365-cef92e8ff99b");
    EXPECT_EQ(volume.path, dir / ".ops/volumes/data:c2952663-f0ae-4e38-8365-cef92e8ff99b.raw");
    EXPECT_EQ(fs::file_size(volume.path), 64ull << 20);
    struct stat info {};
    ASSERT_EQ(::stat(volume.path.c_str(), &info), 0);
    EXPECT_LT(static_cast<std::uint64_t>(info.st_blocks) * 512, 4ull << 20); // sparse

    ImageReader reader(volume.path);
    EXPECT_FALSE(reader.partitioned());
    EXPECT_EQ(reader.label(), "data");
    EXPECT_EQ(reader.uuid(), volume.uuid);
    EXPECT_EQ(reader.read_text("/readme.txt"), "hello volume\n");
    EXPECT_EQ(reader.read_text("/logs/app.log"), "line\n");
    EXPECT_EQ(reader.stat("/link", FinalSymlink::keep).link_target, "readme.txt");
    EXPECT_EQ(fs::directory_iterator(dir / ".ops/volumes")->path(), volume.path); // no temporaries
}

TEST(VolumeStore, DefaultSizeAndRandomUuid) {
    ScratchDirectory dir;
    StorePaths store(dir / ".ops");
    VolumeInfo a = create_volume(store, {"a", std::nullopt, {}, std::nullopt});
    VolumeInfo b = create_volume(store, {"b", std::nullopt, {}, std::nullopt});
    EXPECT_NE(a.uuid, b.uuid);
    EXPECT_EQ(a.uuid[14], '4'); // version 4
    EXPECT_GE(a.size_bytes, 1u << 20);
    EXPECT_EQ(a.size_bytes % (512 * 1024), 0u);
    EXPECT_EQ(ImageReader(a.path).list("/").size(), 0u);
}

// Mounts the volume file writable (as the kernel does) and writes `bytes` into a new file.
tfs::Error fill_volume(const fs::path& path, std::uint64_t bytes) {
    std::ifstream in(path, std::ios::binary);
    tfs_test::MemoryDisk disk(std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {}));
    tfs_test::MallocAllocator allocator;
    tfs::MutableFilesystem volume(allocator);
    tfs::MountOptions options;
    options.fs_bytes = disk.data.size();
    TFS_TRY(volume.mount(disk, disk, options));
    const tfs::Value* file = nullptr;
    TFS_TRY(volume.create_file(volume.root(), tfs_test::bytes("data"), 0, &file));
    std::string chunk(1 << 20, 'd');
    for (std::uint64_t written = 0; written < bytes; written += chunk.size()) {
        std::size_t done = 0;
        TFS_TRY(volume.write(file, written, tfs_test::bytes(chunk), &done));
    }
    return volume.flush();
}

TEST(VolumeStore, DefaultSizeLeavesRoomForData) {
    ScratchDirectory dir;
    StorePaths store(dir / ".ops");
    write_text(dir / "data/big.txt", std::string(3 << 20, 'b'));
    VolumeInfo empty = create_volume(store, {"empty", std::nullopt, {}, std::nullopt});
    VolumeInfo full = create_volume(store, {"full", std::nullopt, dir / "data", std::nullopt});
    // The content, the 1 MiB the kernel keeps for its log, and the default room.
    EXPECT_EQ(empty.size_bytes,
              tfs::padded_fs_size(tfs::kFirstDataSector * 512) + kDefaultVolumeRoomBytes);
    EXPECT_GE(full.size_bytes, (3u << 20) + (1u << 20) + kDefaultVolumeRoomBytes);
    EXPECT_EQ(fs::file_size(full.path), full.size_bytes);
    // Sparse: the room costs no disk.
    struct stat info {};
    ASSERT_EQ(::stat(empty.path.c_str(), &info), 0);
    EXPECT_LT(static_cast<std::uint64_t>(info.st_blocks) * 512, 2u << 20);
    // A program can write most of the room.
    EXPECT_EQ(fill_volume(empty.path, kDefaultVolumeRoomBytes - (2u << 20)), tfs::Error::none);
    EXPECT_EQ(fill_volume(full.path, kDefaultVolumeRoomBytes - (2u << 20)), tfs::Error::none);
    // An explicit size is still exact.
    VolumeInfo sized = create_volume(store, {"sized", 4ull << 20, {}, std::nullopt});
    EXPECT_EQ(sized.size_bytes, 4ull << 20);
}

TEST(VolumeStore, ListFindDelete) {
    ScratchDirectory dir;
    StorePaths store(dir / ".ops");
    EXPECT_TRUE(list_volumes(store).empty());
    VolumeInfo web = create_volume(store, {"web", std::nullopt, {}, std::nullopt});
    VolumeInfo api = create_volume(store, {"api", std::nullopt, {}, std::nullopt});
    write_text(dir / ".ops/volumes/not-a-volume.txt", "x");
    auto volumes = list_volumes(store);
    ASSERT_EQ(volumes.size(), 2u);
    EXPECT_EQ(volumes[0].name, "api");
    EXPECT_EQ(volumes[1].uuid, web.uuid);

    EXPECT_EQ(find_volume(store, "web").path, web.path);
    EXPECT_EQ(find_volume(store, api.uuid).path, api.path);
    EXPECT_EQ(find_volume(store, web.path.string()).path, web.path);
    std::string message = error_of([&] { find_volume(store, "nope"); });
    EXPECT_NE(message.find("no volume named \"nope\""), std::string::npos) << message;
    EXPECT_NE(message.find("(volumes: api, web)"), std::string::npos) << message;

    EXPECT_NE(error_of([&] { delete_volume(store, "nope"); }).find("nothing was deleted"),
              std::string::npos);
    EXPECT_EQ(delete_volume(store, web.uuid).name, "web");
    EXPECT_FALSE(fs::exists(web.path));
    EXPECT_EQ(delete_volume(store, "api").uuid, api.uuid);
    EXPECT_TRUE(list_volumes(store).empty());
}

TEST(VolumeStore, BadInputWritesNothing) {
    ScratchDirectory dir;
    StorePaths store(dir / ".ops");
    VolumeInfo first = create_volume(store, {"data", std::nullopt, {}, std::nullopt});

    std::string message = error_of([&] { create_volume(store, {"data", std::nullopt, {}, {}}); });
    EXPECT_NE(message.find("a volume named \"data\" already exists"), std::string::npos) << message;
    for (const char* name : {"", "a:b", "a/b", "..", "this-name-is-far-too-long-for-a-label"})
        EXPECT_NE(error_of([&] {
                      create_volume(store, {name, std::nullopt, {}, {}});
                  }).find("invalid volume name"),
                  std::string::npos)
            << name;
    EXPECT_NE(error_of([&] {
                  create_volume(store, {"x", std::nullopt, dir / "absent", {}});
              }).find("is not a directory"),
              std::string::npos);
    write_text(dir / "big/file", std::string(3 << 20, 'x'));
    message = error_of([&] { create_volume(store, {"x", 1 << 20, dir / "big", {}}); });
    EXPECT_NE(message.find("the volume content needs"), std::string::npos) << message;

    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir / ".ops/volumes"))
        files.push_back(entry.path().filename().string());
    EXPECT_EQ(files, std::vector<std::string>{first.path.filename().string()});
}

} // namespace
} // namespace ops
