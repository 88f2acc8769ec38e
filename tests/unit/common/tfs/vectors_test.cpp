// vectors_test.cpp: decodes every image in shared/specs/vectors and compares it with its JSON:
// uuid, label, extensions, frames, dictionary size, tree (with file sha256), root tuple.
#include "common/disk/mbr.h"
#include "common/tfs/filesystem.h"
#include "tests/unit/common/tfs/tfs_test_support.h"

#include <gtest/gtest.h>

#include <functional>

using namespace tfs_test;
using nlohmann::json;

namespace {

class RecordingObserver final : public tfs::LogObserver {
  public:
    void on_extension(uint64_t sector, uint64_t sectors, uint64_t) override {
        extensions.push_back({{"sector", sector}, {"sectors", sectors}});
    }
    void on_frame(uint64_t ext, uint64_t offset, tfs::FrameCode code, uint64_t a,
                  uint64_t b) override {
        json f = {{"extension_sector", ext}, {"byte_offset", offset}, {"code", int(code)}};
        switch (code) {
        case tfs::FrameCode::end_of_log:
            f["frame"] = "END_OF_LOG";
            break;
        case tfs::FrameCode::end_of_segment:
            f["frame"] = "END_OF_SEGMENT";
            break;
        case tfs::FrameCode::tuple_available:
            f["frame"] = "TUPLE_AVAILABLE";
            f["total"] = a;
            f["chunk"] = b;
            break;
        case tfs::FrameCode::tuple_extended:
            f["frame"] = "TUPLE_EXTENDED";
            f["chunk"] = a;
            break;
        case tfs::FrameCode::extension_link:
            f["frame"] = "LOG_EXTENSION_LINK";
            f["target_sector"] = a;
            f["sectors"] = b;
            break;
        }
        frames.push_back(f);
    }
    json extensions = json::array();
    json frames = json::array();
};

std::string read_all(const tfs::Filesystem& fs, const tfs::Value* file) {
    uint64_t length = 0;
    EXPECT_EQ(tfs::file_length(file, &length), tfs::Error::none);
    std::string out(length, '\0');
    // Read in odd-sized pieces to cross sector and extent boundaries.
    uint64_t pos = 0;
    while (pos < length) {
        size_t done = 0;
        size_t want = std::min<uint64_t>(1000, length - pos);
        EXPECT_EQ(fs.read_file(file, pos,
                               common::MutableBytes(reinterpret_cast<uint8_t*>(&out[pos]), want),
                               &done),
                  tfs::Error::none);
        EXPECT_EQ(done, want);
        if (done == 0)
            break;
        pos += done;
    }
    return out;
}

// Every node below `path`, as path -> node, in the vectors' order (sorted paths).
void walk(const tfs::Value* node, const std::string& path,
          std::map<std::string, const tfs::Value*>& out) {
    out[path] = node;
    if (tfs::node_type(node) != tfs::NodeType::directory)
        return;
    const tfs::Value* entries = tfs::directory_entries(node);
    for (size_t i = 0; i < entries->entry_count(); i++) {
        std::string name = str(entries->entry(i).name);
        walk(entries->entry(i).value, (path == "/" ? "/" : path + "/") + name, out);
    }
}

void check_filesystem(const std::vector<uint8_t>& image, const json& expect, const json* root_typed,
                      const json* manifest) {
    uint64_t offset = expect["byte_offset"];
    MemoryDisk disk(image);
    tfs::OffsetSource source(disk, offset);
    MallocAllocator allocator;
    {
        tfs::Filesystem fs(allocator);
        RecordingObserver observer;
        tfs::MountOptions options;
        options.fs_bytes = image.size() - offset;
        options.observer = &observer;
        ASSERT_EQ(fs.mount(source, options), tfs::Error::none);

        char uuid[tfs::kUuidTextBytes];
        tfs::format_uuid(fs.uuid(), uuid);
        EXPECT_EQ(std::string(uuid, sizeof(uuid)), expect["uuid"].get<std::string>());
        EXPECT_EQ(str(fs.label()), expect["label"].get<std::string>());
        EXPECT_EQ(fs.header().version, expect["version"].get<uint64_t>());
        EXPECT_EQ(observer.extensions, expect["log_extensions"]);
        EXPECT_EQ(observer.frames, expect["frames"]);
        EXPECT_EQ(fs.dictionary_size(), expect["dictionary_entries"].get<uint64_t>());

        std::map<std::string, const tfs::Value*> nodes;
        walk(fs.root(), "/", nodes);
        size_t listed = 0;
        for (const json& n : expect["tree"]) {
            std::string path = n["path"];
            SCOPED_TRACE(path);
            tfs::Lookup lookup;
            ASSERT_EQ(fs.resolve(path.c_str(), &lookup), tfs::Error::none);
            ASSERT_TRUE(nodes.count(path));
            EXPECT_EQ(lookup.node, nodes[path]);
            listed++;
            std::string type = n["type"];
            if (type == "dir") {
                EXPECT_EQ(tfs::node_type(lookup.node), tfs::NodeType::directory);
            } else if (type == "symlink") {
                EXPECT_EQ(tfs::node_type(lookup.node), tfs::NodeType::symlink);
                common::Bytes target;
                ASSERT_TRUE(tfs::symlink_target(lookup.node, &target));
                EXPECT_EQ(str(target), n["target"].get<std::string>());
            } else {
                ASSERT_EQ(tfs::node_type(lookup.node), tfs::NodeType::file);
                uint64_t length;
                ASSERT_EQ(tfs::file_length(lookup.node, &length), tfs::Error::none);
                EXPECT_EQ(length, n["size"].get<uint64_t>());
                std::string content = read_all(fs, lookup.node);
                EXPECT_EQ(
                    sha256_hex(reinterpret_cast<const uint8_t*>(content.data()), content.size()),
                    n["sha256"].get<std::string>());
                if (n.contains("text"))
                    EXPECT_EQ(content, n["text"].get<std::string>());
                const tfs::Value* extents = tfs::tuple_get(lookup.node, "extents");
                ASSERT_EQ(extents->entry_count(), n["extents"].size());
                for (const json& e : n["extents"]) {
                    std::string key = std::to_string(e["file_block"].get<uint64_t>());
                    const tfs::Value* ext = tfs::tuple_get(extents, bytes(key));
                    ASSERT_NE(ext, nullptr);
                    for (const char* field : {"offset", "length", "allocated"}) {
                        uint64_t v;
                        ASSERT_TRUE(tfs::value_as_u64(tfs::tuple_get(ext, field), &v));
                        EXPECT_EQ(v, e[field].get<uint64_t>()) << field;
                    }
                }
                // Reading at and past EOF gives nothing.
                uint8_t b;
                size_t done = 7;
                EXPECT_EQ(fs.read_file(lookup.node, length, common::MutableBytes(&b, 1), &done),
                          tfs::Error::none);
                EXPECT_EQ(done, 0u);
            }
        }
        if (root_typed) {
            EXPECT_EQ(listed, nodes.size());
            EXPECT_EQ(to_json(fs.root()), *root_typed);
        }
        if (manifest) {
            json m = to_json(fs.root());
            m.erase("children");
            // The manifest JSON shows plain strings; typed values differ only for non-strings.
            EXPECT_EQ(m, *manifest);
        }
    }
    EXPECT_EQ(allocator.live, 0);
}

class VectorTest : public ::testing::TestWithParam<std::string> {};

TEST_P(VectorTest, DecodesLikeJson) {
    const std::string name = GetParam();
    json expect = load_json(vector_path(name + ".json"));
    const std::vector<uint8_t>& image = vector_image(name);
    ASSERT_EQ(image.size(), expect["image"]["size_bytes"].get<size_t>());
    EXPECT_EQ(sha256_hex(image.data(), image.size()), expect["image"]["sha256"].get<std::string>());
    const json* typed = expect.contains("root_tuple_typed") ? &expect["root_tuple_typed"] : nullptr;
    check_filesystem(image, expect["rootfs"], typed, &expect["manifest"]);
    if (expect.contains("bootfs"))
        check_filesystem(image, expect["bootfs"], nullptr, nullptr);
}

INSTANTIATE_TEST_SUITE_P(Vectors, VectorTest,
                         ::testing::Values("a-minimal", "b-tree", "c-volume", "d-disk",
                                           "e-largelog"));

TEST(VectorE, ManyDirectoryFollowsPattern) {
    json expect = load_json(vector_path("e-largelog.json"));
    MemoryDisk disk(vector_image("e-largelog"));
    MallocAllocator allocator;
    tfs::Filesystem fs(allocator);
    ASSERT_EQ(fs.mount(disk), tfs::Error::none);
    tfs::Lookup lookup;
    ASSERT_EQ(fs.resolve("/many", &lookup), tfs::Error::none);
    const tfs::Value* entries = tfs::directory_entries(lookup.node);
    ASSERT_NE(entries, nullptr);
    ASSERT_EQ(entries->entry_count(), expect["pattern"]["count"].get<size_t>());
    for (int i = 1; i <= 2600; i++) {
        char num[8];
        std::snprintf(num, sizeof(num), "%05d", i);
        std::string name = std::string("d") + num + "-" + std::string(200, 'x');
        const tfs::Value* dir = tfs::lookup_child(lookup.node, bytes(name));
        ASSERT_NE(dir, nullptr) << name;
        ASSERT_EQ(tfs::node_type(dir), tfs::NodeType::directory);
        EXPECT_EQ(tfs::directory_entries(dir)->entry_count(), 0u);
    }
}

TEST(VectorD, PartitionsAndRootSize) {
    json expect = load_json(vector_path("d-disk.json"));
    const std::vector<uint8_t>& image = vector_image("d-disk");
    disk::BootDisk boot;
    ASSERT_EQ(disk::parse_boot_disk(common::Bytes(image.data(), 512), image.size(), &boot),
              disk::Error::none);
    EXPECT_FALSE(boot.has_esp);
    EXPECT_EQ(boot.boot_fs.byte_offset(), expect["bootfs"]["byte_offset"].get<uint64_t>());
    EXPECT_EQ(boot.root_fs_offset, expect["rootfs"]["byte_offset"].get<uint64_t>());
    EXPECT_EQ(boot.root_fs_bytes, image.size() - 24679ull * 512);
    EXPECT_EQ(boot.klog_offset, expect["disk"]["klog_area"]["byte_offset"].get<uint64_t>());
    EXPECT_EQ(disk::stage2_length(common::Bytes(image.data(), 512)), 48128u);
    for (size_t i = 0; i < 4; i++) {
        const json& p = expect["disk"]["partitions"][i];
        EXPECT_EQ(boot.entries[i].status, p["active"].get<int>());
        EXPECT_EQ(boot.entries[i].type, p["type"].get<int>());
        EXPECT_EQ(boot.entries[i].first_lba, p["lba"].get<uint32_t>());
        EXPECT_EQ(boot.entries[i].sectors, p["sectors"].get<uint32_t>());
    }
    // The kernel's view: mount the root FS at the root position and read the manifest.
    MemoryDisk whole(image);
    tfs::OffsetSource root_source(whole, boot.root_fs_offset);
    MallocAllocator allocator;
    tfs::Filesystem fs(allocator);
    tfs::MountOptions options;
    options.fs_bytes = boot.root_fs_bytes;
    ASSERT_EQ(fs.mount(root_source, options), tfs::Error::none);
    EXPECT_EQ(to_json(fs.root()), expect["root_tuple_typed"]);
}

TEST(Vectors, ProbeSeesVolumeHeader) {
    MemoryDisk disk(vector_image("c-volume"));
    tfs::VolumeHeader h;
    ASSERT_EQ(tfs::probe_volume(disk, &h), tfs::Error::none);
    EXPECT_EQ(str(h.label()), "testvol");
    // A bare TFS never carries the MBR signature.
    disk::BootDisk boot;
    EXPECT_EQ(disk::parse_boot_disk(common::Bytes(disk.data.data(), 512), disk.data.size(), &boot),
              disk::Error::no_signature);
}

} // namespace
