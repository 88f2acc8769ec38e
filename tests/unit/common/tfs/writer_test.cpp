// writer_test.cpp: Builder round trips (write, mount, compare trees and file bytes), the layout of
// tfs.md 7.4, record splitting across extensions, determinism, and re-encoding vector b.
#include "common/tfs/filesystem.h"
#include "common/tfs/writer.h"
#include "tests/unit/common/tfs/tfs_test_support.h"

#include <gtest/gtest.h>

#include <memory>

using namespace tfs_test;

namespace {

// File content generated from a seed, so multi-MB files need no buffer in the test either.
class PatternContent final : public tfs::FileContent {
  public:
    explicit PatternContent(uint32_t seed) : m_seed(seed) {}
    static uint8_t byte_at(uint32_t seed, uint64_t i) {
        uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ull ^ seed;
        return uint8_t(x >> 29);
    }
    bool read(uint64_t offset, common::MutableBytes out) override {
        reads++;
        for (size_t i = 0; i < out.size(); i++)
            out[i] = byte_at(m_seed, offset + i);
        return true;
    }
    int reads = 0;

  private:
    uint32_t m_seed;
};

class StringContent final : public tfs::FileContent {
  public:
    explicit StringContent(std::string s) : text(std::move(s)) {}
    bool read(uint64_t offset, common::MutableBytes out) override {
        if (offset + out.size() > text.size())
            return false;
        std::memcpy(out.data(), text.data() + offset, out.size());
        return true;
    }
    std::string text;
};

std::string read_all(const tfs::Filesystem& fs, const tfs::Value* file) {
    uint64_t length = 0;
    EXPECT_EQ(tfs::file_length(file, &length), tfs::Error::none);
    std::string out(length, '\0');
    size_t done = 0;
    EXPECT_EQ(fs.read_file(file, 0,
                           common::MutableBytes(reinterpret_cast<uint8_t*>(out.data()), length),
                           &done),
              tfs::Error::none);
    EXPECT_EQ(done, length);
    return out;
}

const tfs::Value* must_resolve(const tfs::Filesystem& fs, const char* path) {
    tfs::Lookup lookup;
    EXPECT_EQ(fs.resolve(path, &lookup), tfs::Error::none) << path;
    return lookup.node;
}

tfs::WriteOptions fixed_options(const char* label = "") {
    tfs::WriteOptions o;
    for (size_t i = 0; i < tfs::kUuidBytes; i++)
        o.uuid[i] = uint8_t(0xa0 + i);
    o.label = common::bytes_of(label);
    return o;
}

// Builds the standard test tree: manifest keys, nested dirs, files of several sizes, symlinks.
struct SampleTree {
    StringContent hello{"hi\n"};
    StringContent empty{""};
    PatternContent big{7};  // 5 MiB + 123 bytes
    PatternContent huge{9}; // 33 MiB + 1: two extents
    static constexpr uint64_t kBig = 5 * 1024 * 1024 + 123;
    static constexpr uint64_t kHuge = 33ull * 1024 * 1024 + 1;

    void build(tfs::Builder& b, bool with_huge) {
        tfs::Tree& t = b.tree();
        tfs::Value* root = b.root();
        ASSERT_EQ(b.set_attribute(root, "program", t.make_string("/bin/app")), tfs::Error::none);
        tfs::Value* args = t.make_vector();
        ASSERT_EQ(t.vector_append(args, t.make_string("app")), tfs::Error::none);
        ASSERT_EQ(t.vector_append(args, t.make_string("-v")), tfs::Error::none);
        ASSERT_EQ(b.set_attribute(root, "arguments", args), tfs::Error::none);
        tfs::Value* env = t.make_tuple();
        ASSERT_EQ(b.set_attribute(env, "USER", t.make_string("root")), tfs::Error::none);
        ASSERT_EQ(b.set_attribute(env, "PWD", t.make_string("/")), tfs::Error::none);
        ASSERT_EQ(b.set_attribute(root, "environment", env), tfs::Error::none);
        tfs::Value* uname = t.make_tuple();
        ASSERT_EQ(b.set_attribute(uname, "sysname", t.make_string("TestOS")), tfs::Error::none);
        ASSERT_EQ(b.set_attribute(root, "uname", uname), tfs::Error::none);
        ASSERT_EQ(b.set_attribute(root, "noaslr", t.make_string("t")), tfs::Error::none);

        tfs::Value* bin;
        ASSERT_EQ(b.add_directory(root, common::bytes_of("bin"), &bin), tfs::Error::none);
        ASSERT_EQ(b.add_file(bin, common::bytes_of("app"), kBig, &big), tfs::Error::none);
        tfs::Value* etc;
        ASSERT_EQ(b.add_directories(common::bytes_of("/etc/ssl/certs"), &etc), tfs::Error::none);
        ASSERT_EQ(b.add_file(etc, common::bytes_of("hello.txt"), 3, &hello), tfs::Error::none);
        ASSERT_EQ(b.add_file(etc, common::bytes_of("empty"), 0, &empty), tfs::Error::none);
        tfs::Value* emptydir;
        ASSERT_EQ(b.add_directory(root, common::bytes_of("emptydir"), &emptydir), tfs::Error::none);
        ASSERT_EQ(b.add_symlink(root, common::bytes_of("docs"), common::bytes_of("/etc/ssl")),
                  tfs::Error::none);
        ASSERT_EQ(b.add_symlink(bin, common::bytes_of("rel"), common::bytes_of("app")),
                  tfs::Error::none);
        ASSERT_EQ(b.add_file(root, common::bytes_of("name with space"), 3, &hello),
                  tfs::Error::none);
        if (with_huge)
            ASSERT_EQ(b.add_file(bin, common::bytes_of("huge"), kHuge, &huge), tfs::Error::none);
    }
};

TEST(Writer, RoundTrip) {
    MallocAllocator allocator;
    MemoryDisk disk;
    tfs::WriteResult result;
    SampleTree sample;
    {
        tfs::Builder builder(allocator);
        sample.build(builder, true);
        ASSERT_EQ(builder.write(disk, fixed_options("rootfs"), &result), tfs::Error::none);
    }
    EXPECT_EQ(allocator.live, 0);
    EXPECT_EQ(result.log_extensions, 1u);
    EXPECT_EQ(disk.data.size(), result.bytes_used);
    EXPECT_EQ(tfs::padded_fs_size(result.bytes_used) % tfs::kExtensionBytes, 0u);
    EXPECT_GE(tfs::padded_fs_size(result.bytes_used), result.bytes_used + (1u << 20));
    disk.data.resize(tfs::padded_fs_size(result.bytes_used));

    tfs::Filesystem fs(allocator);
    tfs::MountOptions options;
    options.fs_bytes = disk.data.size();
    ASSERT_EQ(fs.mount(disk, options), tfs::Error::none);
    EXPECT_EQ(str(fs.label()), "rootfs");
    EXPECT_EQ(fs.uuid()[0], 0xa0);

    nlohmann::json m = to_json(fs.root());
    EXPECT_EQ(m["program"], "/bin/app");
    EXPECT_EQ(m["arguments"], nlohmann::json({"app", "-v"}));
    EXPECT_EQ(m["environment"], nlohmann::json({{"PWD", "/"}, {"USER", "root"}}));
    EXPECT_EQ(m["uname"]["sysname"], "TestOS");
    EXPECT_EQ(m["noaslr"], "t");

    const tfs::Value* app = must_resolve(fs, "/bin/app");
    std::string content = read_all(fs, app);
    ASSERT_EQ(content.size(), SampleTree::kBig);
    for (size_t i = 0; i < content.size(); i++)
        ASSERT_EQ(uint8_t(content[i]), PatternContent::byte_at(7, i)) << i;
    const tfs::Value* huge = must_resolve(fs, "bin/huge");
    EXPECT_EQ(tfs::tuple_get(huge, "extents")->entry_count(), 2u); // 32 MiB per extent
    std::string huge_content = read_all(fs, huge);
    ASSERT_EQ(huge_content.size(), SampleTree::kHuge);
    for (size_t i = 0; i < huge_content.size(); i += 4093)
        ASSERT_EQ(uint8_t(huge_content[i]), PatternContent::byte_at(9, i)) << i;
    EXPECT_EQ(uint8_t(huge_content.back()), PatternContent::byte_at(9, SampleTree::kHuge - 1));

    EXPECT_EQ(read_all(fs, must_resolve(fs, "/etc/ssl/certs/hello.txt")), "hi\n");
    EXPECT_EQ(read_all(fs, must_resolve(fs, "/name with space")), "hi\n");
    const tfs::Value* empty = must_resolve(fs, "/etc/ssl/certs/empty");
    EXPECT_EQ(tfs::node_type(empty), tfs::NodeType::file);
    EXPECT_EQ(read_all(fs, empty), "");
    EXPECT_EQ(tfs::node_type(must_resolve(fs, "/emptydir")), tfs::NodeType::directory);
    EXPECT_EQ(tfs::directory_entries(must_resolve(fs, "/emptydir"))->entry_count(), 0u);

    // Symlinks are reported, not followed.
    const tfs::Value* docs = must_resolve(fs, "/docs");
    common::Bytes target;
    ASSERT_TRUE(tfs::symlink_target(docs, &target));
    EXPECT_EQ(str(target), "/etc/ssl");
    tfs::Lookup lookup;
    EXPECT_EQ(fs.resolve("/docs/certs/hello.txt", &lookup), tfs::Error::symlink);
    EXPECT_EQ(lookup.node, docs);
    EXPECT_EQ(lookup.consumed, 5u);
    EXPECT_EQ(fs.resolve("/bin/../etc/./ssl//certs/hello.txt", &lookup), tfs::Error::none);
    EXPECT_EQ(fs.resolve("/bin/nothing", &lookup), tfs::Error::not_found);
    EXPECT_EQ(fs.resolve("/etc/ssl/certs/hello.txt/x", &lookup), tfs::Error::not_a_directory);
    size_t done;
    uint8_t b[4];
    EXPECT_EQ(fs.read_file(must_resolve(fs, "/bin"), 0, common::MutableBytes(b, 4), &done),
              tfs::Error::not_a_file);

    // Reads from the middle, across sector boundaries.
    std::vector<uint8_t> piece(1000);
    ASSERT_EQ(fs.read_file(app, 511, common::MutableBytes(piece.data(), piece.size()), &done),
              tfs::Error::none);
    ASSERT_EQ(done, piece.size());
    for (size_t i = 0; i < piece.size(); i++)
        ASSERT_EQ(piece[i], PatternContent::byte_at(7, 511 + i));
    ASSERT_EQ(fs.read_file(app, SampleTree::kBig - 10,
                           common::MutableBytes(piece.data(), piece.size()), &done),
              tfs::Error::none);
    EXPECT_EQ(done, 10u);
}

TEST(Writer, LayoutFollowsSpec) {
    MallocAllocator allocator;
    MemoryDisk disk;
    tfs::WriteResult result;
    StringContent hello("hi\n");
    {
        tfs::Builder builder(allocator);
        tfs::Value* root = builder.root();
        ASSERT_EQ(builder.add_file(root, common::bytes_of("hello"), 3, &hello), tfs::Error::none);
        ASSERT_EQ(builder.set_attribute(root, "program", builder.tree().make_string("/hello")),
                  tfs::Error::none);
        ASSERT_EQ(builder.write(disk, fixed_options(), &result), tfs::Error::none);
    }
    // Sector 0: magic, 05 01, uuid, empty label, link to 1 (1024 sectors), END_OF_LOG.
    std::vector<uint8_t> s0(disk.data.begin(), disk.data.begin() + 0x1e);
    std::vector<uint8_t> want = {'N', 'V', 'M', 'T', 'F', 'S', 5, 1};
    for (int i = 0; i < 16; i++)
        want.push_back(uint8_t(0xa0 + i));
    for (uint8_t c : std::initializer_list<uint8_t>{0, 5, 1, 0x88, 0, 1})
        want.push_back(c);
    EXPECT_EQ(s0, want);
    // Extension 1: header NVMTFS 05 88 00 then a TUPLE_AVAILABLE.
    std::vector<uint8_t> e1(disk.data.begin() + 512, disk.data.begin() + 512 + 10);
    EXPECT_EQ(e1, std::vector<uint8_t>({'N', 'V', 'M', 'T', 'F', 'S', 5, 0x88, 0, 2}));
    // Data at sector 1025, zero padded; the file ends the image.
    EXPECT_EQ(disk.data[1025 * 512], 'h');
    EXPECT_EQ(disk.data[1025 * 512 + 3], 0);
    EXPECT_EQ(result.bytes_used, 1026u * 512);
    // Integers are type 3: filelength 3 is "b0 03", the extent offset 1025 is "b0 88 01".
    std::string log(disk.data.begin() + 512, disk.data.begin() + 1024);
    EXPECT_NE(log.find(std::string("\x88\x0a"
                                   "filelength"
                                   "\xb0\x03",
                                   14)),
              std::string::npos);
    EXPECT_NE(log.find(std::string("\x86"
                                   "offset"
                                   "\xb0\x88\x01",
                                   10)),
              std::string::npos);
    // Entries sorted: the root's "children" comes before "program".
    EXPECT_LT(log.find("children"), log.find("program"));
}

TEST(Writer, Deterministic) {
    auto build = [](bool reverse) {
        MallocAllocator allocator;
        MemoryDisk disk;
        SampleTree sample;
        tfs::Builder builder(allocator);
        tfs::Value* root = builder.root();
        // Insertion order must not matter.
        const char* names[] = {"b", "a", "c"};
        for (int i = 0; i < 3; i++)
            EXPECT_EQ(builder.add_file(root, common::bytes_of(names[reverse ? 2 - i : i]), 3,
                                       &sample.hello),
                      tfs::Error::none);
        sample.build(builder, false);
        tfs::WriteResult result;
        EXPECT_EQ(builder.write(disk, fixed_options("x"), &result), tfs::Error::none);
        return disk.data;
    };
    std::vector<uint8_t> first = build(false);
    std::vector<uint8_t> second = build(false);
    std::vector<uint8_t> third = build(true);
    EXPECT_EQ(first, second);
    EXPECT_EQ(first, third);
}

TEST(Writer, BigDirectorySplitsRecord) {
    MallocAllocator allocator;
    MemoryDisk disk;
    StringContent hello("hi\n");
    tfs::WriteResult result;
    const int kEntries = 3000;
    auto name_of = [](int i) {
        char num[8];
        std::snprintf(num, sizeof(num), "%05d", i);
        return std::string("d") + num + "-" + std::string(200, 'x');
    };
    {
        tfs::Builder builder(allocator);
        tfs::Value* many;
        ASSERT_EQ(builder.add_directory(builder.root(), common::bytes_of("many"), &many),
                  tfs::Error::none);
        for (int i = 0; i < kEntries; i++) {
            std::string n = name_of(i);
            ASSERT_EQ(builder.add_directory(many, bytes(n)), tfs::Error::none);
        }
        ASSERT_EQ(builder.add_file(builder.root(), common::bytes_of("hello"), 3, &hello),
                  tfs::Error::none);
        ASSERT_EQ(builder.write(disk, fixed_options(), &result), tfs::Error::none);
    }
    EXPECT_GT(result.record_bytes, tfs::kExtensionBytes);
    EXPECT_EQ(result.log_extensions, 2u);
    // The second extension sits right after the data (sector 1026) and ends the image.
    EXPECT_EQ(result.bytes_used, (1026u + 1024u) * 512);
    // First chunk = 524288 - 9 - 42 (4.4), as in vector e.
    const uint8_t* e1 = disk.data.data() + 512;
    EXPECT_EQ(e1[9], 2);
    tfs::ByteReader reader(common::Bytes(e1 + 10, 20));
    uint64_t total, chunk;
    ASSERT_TRUE(reader.read_varint(&total));
    ASSERT_TRUE(reader.read_varint(&chunk));
    EXPECT_EQ(total, result.record_bytes);
    EXPECT_EQ(chunk, 524288u - 9 - 42);

    tfs::Filesystem fs(allocator);
    ASSERT_EQ(fs.mount(disk), tfs::Error::none);
    const tfs::Value* many = must_resolve(fs, "/many");
    ASSERT_EQ(tfs::directory_entries(many)->entry_count(), size_t(kEntries));
    for (int i = 0; i < kEntries; i += 97)
        EXPECT_NE(tfs::lookup_child(many, bytes(name_of(i))), nullptr);
    EXPECT_EQ(read_all(fs, must_resolve(fs, "/hello")), "hi\n");
}

TEST(Writer, HoleAndUninitedExtentReadAsZeros) {
    // Extents made by hand (as the kernel writes them): blocks 0-1 at sector 3000, a hole for
    // blocks 2-3, block 4 uninited at sector 3002, block 5 at sector 3003. Length 5.5 blocks.
    MallocAllocator allocator;
    MemoryDisk disk;
    tfs::WriteResult result;
    {
        tfs::Builder builder(allocator);
        tfs::Tree& t = builder.tree();
        tfs::Value* file = t.make_tuple();
        tfs::Value* extents = t.make_tuple();
        auto extent = [&](const char* key, uint64_t offset, uint64_t length, bool uninited) {
            tfs::Value* e = t.make_tuple();
            ASSERT_EQ(builder.set_attribute(e, "offset", t.make_integer(offset)), tfs::Error::none);
            // Mix encodings: decimal strings as ops writes them.
            ASSERT_EQ(
                builder.set_attribute(e, "length", t.make_string(std::to_string(length).c_str())),
                tfs::Error::none);
            ASSERT_EQ(builder.set_attribute(e, "allocated", t.make_integer(length)),
                      tfs::Error::none);
            if (uninited)
                ASSERT_EQ(builder.set_attribute(e, "uninited", t.null_flag()), tfs::Error::none);
            ASSERT_EQ(builder.set_attribute(extents, key, e), tfs::Error::none);
        };
        extent("0", 3000, 2, false);
        extent("4", 3002, 1, true);
        extent("5", 3003, 1, false);
        ASSERT_EQ(builder.set_attribute(file, "extents", extents), tfs::Error::none);
        ASSERT_EQ(builder.set_attribute(file, "filelength", t.make_string("2816")),
                  tfs::Error::none);
        tfs::Value* children = t.mutable_get(builder.root(), common::bytes_of("children"));
        ASSERT_EQ(builder.set_attribute(children, "sparse", file), tfs::Error::none);
        // A second name for the same tuple: a hard link, encoded as a reference.
        ASSERT_EQ(builder.set_attribute(children, "sparse-link", file), tfs::Error::none);
        ASSERT_EQ(builder.write(disk, fixed_options(), &result), tfs::Error::none);
    }
    disk.data.resize(3004 * 512, 0);
    for (int i = 0; i < 4 * 512; i++)
        disk.data[3000 * 512 + i] = uint8_t(1 + i % 251);

    tfs::Filesystem fs(allocator);
    tfs::MountOptions options;
    options.fs_bytes = disk.data.size();
    ASSERT_EQ(fs.mount(disk, options), tfs::Error::none);
    const tfs::Value* sparse = must_resolve(fs, "/sparse");
    EXPECT_EQ(sparse, must_resolve(fs, "/sparse-link")); // one shared object
    std::string content = read_all(fs, sparse);
    ASSERT_EQ(content.size(), 2816u);
    for (size_t i = 0; i < content.size(); i++) {
        uint8_t want = 0;
        if (i < 1024)
            want = uint8_t(1 + i % 251);
        else if (i >= 2560)
            want = uint8_t(1 + (3 * 512 + i - 2560) % 251);
        ASSERT_EQ(uint8_t(content[i]), want) << i;
    }
}

// Decode vector b, copy its tree into a Builder, write, read back, compare decoded trees.
void copy_tree(const tfs::Filesystem& fs, const tfs::Value* from, tfs::Builder& b, tfs::Value* to,
               std::vector<std::unique_ptr<StringContent>>& contents) {
    const tfs::Value* entries = tfs::directory_entries(from);
    for (size_t i = 0; i < entries->entry_count(); i++) {
        common::Bytes name = entries->entry(i).name;
        const tfs::Value* node = entries->entry(i).value;
        switch (tfs::node_type(node)) {
        case tfs::NodeType::directory: {
            tfs::Value* dir;
            ASSERT_EQ(b.add_directory(to, name, &dir), tfs::Error::none);
            copy_tree(fs, node, b, dir, contents);
            break;
        }
        case tfs::NodeType::symlink: {
            common::Bytes target;
            ASSERT_TRUE(tfs::symlink_target(node, &target));
            ASSERT_EQ(b.add_symlink(to, name, target), tfs::Error::none);
            break;
        }
        case tfs::NodeType::file: {
            contents.push_back(std::make_unique<StringContent>(read_all(fs, node)));
            ASSERT_EQ(b.add_file(to, name, contents.back()->text.size(), contents.back().get()),
                      tfs::Error::none);
            break;
        }
        case tfs::NodeType::other:
            FAIL();
        }
    }
}

// Drops extents (placement differs) so trees can be compared.
void drop_extents(nlohmann::json& j) {
    if (!j.is_object())
        return;
    j.erase("extents");
    for (auto& [k, v] : j.items())
        drop_extents(v);
}

TEST(Writer, ReencodesVectorB) {
    MallocAllocator allocator;
    MemoryDisk original(vector_image("b-tree"));
    tfs::Filesystem fs(allocator);
    ASSERT_EQ(fs.mount(original), tfs::Error::none);
    MemoryDisk copy;
    std::vector<std::unique_ptr<StringContent>> contents;
    tfs::Builder builder(allocator);
    copy_tree(fs, fs.root(), builder, builder.root(), contents);
    for (size_t i = 0; i < fs.root()->entry_count(); i++) {
        const tfs::Entry& e = fs.root()->entry(i);
        if (str(e.name) == "children")
            continue;
        // Manifest values are shared with the mounted tree; the builder only encodes them.
        ASSERT_EQ(builder.set_attribute(builder.root(), e.name, e.value), tfs::Error::none);
    }
    tfs::WriteResult result;
    ASSERT_EQ(builder.write(copy, fixed_options(), &result), tfs::Error::none);
    tfs::Filesystem again(allocator);
    ASSERT_EQ(again.mount(copy), tfs::Error::none);
    nlohmann::json a = to_json(fs.root()), b = to_json(again.root());
    drop_extents(a);
    drop_extents(b);
    EXPECT_EQ(a, b);
    EXPECT_EQ(read_all(again, must_resolve(again, "/data/big.txt")),
              read_all(fs, must_resolve(fs, "/data/big.txt")));
}

TEST(Writer, RejectsBadInput) {
    MallocAllocator allocator;
    tfs::Builder builder(allocator);
    tfs::Value* root = builder.root();
    for (const char* bad : {"", ".", "..", "a/b"})
        EXPECT_EQ(builder.add_directory(root, common::bytes_of(bad)), tfs::Error::invalid_argument)
            << bad;
    EXPECT_EQ(builder.add_directory(root, bytes(std::string(256, 'n'))),
              tfs::Error::invalid_argument);
    EXPECT_EQ(builder.add_file(root, common::bytes_of("f"), 10, nullptr),
              tfs::Error::invalid_argument);
    tfs::Value* file;
    StringContent c("abc");
    ASSERT_EQ(builder.add_file(root, common::bytes_of("f"), 3, &c, &file), tfs::Error::none);
    EXPECT_EQ(builder.add_directory(file, common::bytes_of("x")), tfs::Error::not_a_directory);
    MemoryDisk disk;
    tfs::WriteResult result;
    tfs::WriteOptions options = fixed_options("a-label-that-is-longer-than-31-bytes");
    EXPECT_EQ(builder.write(disk, options, &result), tfs::Error::invalid_argument);
    // A content source that fails is an I/O error.
    StringContent short_content("ab");
    ASSERT_EQ(builder.add_file(root, common::bytes_of("g"), 3, &short_content), tfs::Error::none);
    EXPECT_EQ(builder.write(disk, fixed_options(), &result), tfs::Error::io);
}

TEST(Writer, OutOfMemoryIsAnError) {
    for (long budget = 0; budget < 40; budget++) {
        FailingAllocator allocator(budget);
        {
            SampleTree sample;
            tfs::Builder builder(allocator);
            tfs::Value* root = builder.root();
            if (!root)
                continue;
            tfs::Error e = builder.add_file(root, common::bytes_of("hello"), 3, &sample.hello);
            if (e != tfs::Error::none) {
                EXPECT_EQ(e, tfs::Error::no_memory);
                continue;
            }
            MemoryDisk disk;
            tfs::WriteResult result;
            e = builder.write(disk, fixed_options(), &result);
            EXPECT_TRUE(e == tfs::Error::none || e == tfs::Error::no_memory) << budget;
        }
        EXPECT_EQ(allocator.live, 0) << budget;
    }
}

} // namespace
