// decoder_test.cpp: record semantics on hand-made logs (tfs.md 5): updates, deletions, null flags,
// references and hard links, END_OF_SEGMENT, legacy forms, version-4 extensions.
#include "common/manifest/manifest.h"
#include "common/tfs/filesystem.h"
#include "tests/unit/common/tfs/tfs_test_support.h"

#include <gtest/gtest.h>

using namespace tfs_test;
using nlohmann::json;

namespace {

// (children:(f:(extents:() filelength:"0")) program:"/f") with dictionary:
// #1 root, #2 "children", #3 children tuple, #4 "f", #5 file tuple, #6 "extents", #7 extents
// tuple, #8 "filelength", #9 "program".
std::vector<uint8_t> base_record() {
    std::vector<uint8_t> r;
    append(r, {0x92, 0x88, 0x08});
    append(r, "children");
    append(r, {0x91, 0x81, 'f', 0x92, 0x87});
    append(r, "extents");
    append(r, {0x90, 0x88, 0x0a});
    append(r, "filelength");
    append(r, {0xc1, '0', 0x87});
    append(r, "program");
    append(r, {0xc2, '/', 'f'});
    return r;
}

struct Mounted {
    explicit Mounted(std::vector<uint8_t> image) : disk(std::move(image)), fs(allocator) {}
    MallocAllocator allocator;
    MemoryDisk disk;
    tfs::Filesystem fs;
};

TEST(Decoder, BaseRecord) {
    Mounted m(make_log_image({base_record()}));
    ASSERT_EQ(m.fs.mount(m.disk), tfs::Error::none);
    EXPECT_EQ(m.fs.dictionary_size(), 9u);
    EXPECT_EQ(str(m.fs.label()), "v4");
    EXPECT_EQ(to_json(m.fs.root()),
              json::parse(R"({"children":{"f":{"extents":{},"filelength":"0"}},"program":"/f"})"));
}

TEST(Decoder, UpdatesDeletesFlagsAndLinks) {
    std::vector<std::vector<uint8_t>> records = {base_record()};
    // #5 filelength := 8192 via symbol reference #8.
    records.push_back({0x11, 0x05, 0x08, 0x08, 0xb0, 0xc0, 0x00});
    // #5 gets a null flag "exec" (new symbol #10).
    records.push_back({0x11, 0x05, 0x84, 'e', 'x', 'e', 'c', 0x81, 0x00});
    // #3 (children) gets "g" (#11) := reference to tuple #5 with 0 entries: a hard link.
    records.push_back({0x11, 0x03, 0x81, 'g', 0x10, 0x05});
    // #1 gets arguments (#12) := vector #13 [a, <empty>, b].
    records.push_back({0x11, 0x01, 0x88, 0x09, 'a', 'r', 'g', 'u', 'm', 'e', 'n', 't', 's', 0xa3,
                       0xc1, 'a', 0x80, 0xc1, 'b'});
    // Overwrite element 0 of vector #13 through a reference.
    records.push_back({0x11, 0x01, 0x08, 0x0c, 0x21, 0x0d, 0xc1, 'z'});
    // Delete "f" from #3 (unlink; "g" remains), and a ".." attribute that must be ignored.
    records.push_back({0x12, 0x03, 0x04, 0x80, 0x82, '.', '.', 0x01});
    // A negative integer and a legacy type-0 string.
    records.push_back({0x12, 0x01, 0x81, 'n', 0xb1, 0x05, 0x81, 's', 0x82, 'h', 'i'});
    Mounted m(make_log_image(records, 5, true));
    ASSERT_EQ(m.fs.mount(m.disk), tfs::Error::none);
    json got = to_json(m.fs.root());
    json want = json::parse(R"({
        "children": {"g": {"exec": {"$null": true}, "extents": {}, "filelength": {"$int": 8192}}},
        "program": "/f", "arguments": ["z", null, "b"], "n": {"$int": -5}, "s": "hi"})");
    EXPECT_EQ(got, want);
    tfs::Lookup lookup;
    EXPECT_EQ(m.fs.resolve("/f", &lookup), tfs::Error::not_found);
    ASSERT_EQ(m.fs.resolve("/g", &lookup), tfs::Error::none);
    uint64_t length;
    ASSERT_EQ(tfs::file_length(lookup.node, &length), tfs::Error::none);
    EXPECT_EQ(length, 8192u);
    // Empty vector elements are skipped in argv.
    common::Bytes argv[4];
    size_t argc;
    ASSERT_EQ(manifest::arguments(m.fs.root(), common::Span<common::Bytes>(argv, 4), &argc),
              manifest::Error::none);
    ASSERT_EQ(argc, 2u);
    EXPECT_EQ(str(argv[0]), "z");
    EXPECT_EQ(str(argv[1]), "b");
}

TEST(Decoder, RecordSplitOverFrames) {
    // The same record sent as TUPLE_AVAILABLE + two TUPLE_EXTENDED frames.
    std::vector<uint8_t> r = base_record();
    std::vector<uint8_t> image = make_log_image({});
    std::vector<uint8_t> ext = {'N', 'V', 'M', 'T', 'F', 'S', 5, 0x88, 0};
    ext.push_back(2);
    ext.push_back(uint8_t(r.size()));
    ext.push_back(10);
    ext.insert(ext.end(), r.begin(), r.begin() + 10);
    ext.push_back(3);
    ext.push_back(5);
    ext.insert(ext.end(), r.begin() + 10, r.begin() + 15);
    ext.push_back(4);
    ext.push_back(3);
    ext.push_back(uint8_t(r.size() - 15));
    ext.insert(ext.end(), r.begin() + 15, r.end());
    ext.push_back(1);
    std::copy(ext.begin(), ext.end(), image.begin() + 512);
    Mounted m(image);
    ASSERT_EQ(m.fs.mount(m.disk), tfs::Error::none);
    EXPECT_EQ(to_json(m.fs.root())["program"], "/f");
}

TEST(Decoder, Version4Log) {
    // v4 headers: bit 7 I, bit 6 tuple, bit 5 X, bits 4..0 length. Lists are tuples "0", "1"...
    std::vector<uint8_t> r;
    append(r, {0xc3, 0x88});
    append(r, "children");
    append(r, {0xc0, 0x87});
    append(r, "program");
    append(r, {0x82, '/', 'p', 0x89});
    append(r, "arguments");
    // Keys out of numeric order and past 9, to check ordering: "0" "1" ... "10" "2".
    append(r, {0xcb});
    for (int i = 0; i <= 10; i++) {
        std::string k = std::to_string(i), v = "arg" + std::to_string(i);
        r.push_back(uint8_t(0x80 | k.size()));
        append(r, k);
        r.push_back(uint8_t(0x80 | v.size()));
        append(r, v);
    }
    Mounted m(make_log_image({r}, 4));
    ASSERT_EQ(m.fs.mount(m.disk), tfs::Error::none);
    EXPECT_EQ(m.fs.header().version, 4u);
    common::Bytes program;
    ASSERT_EQ(manifest::program(m.fs.root(), &program), manifest::Error::none);
    EXPECT_EQ(str(program), "/p");
    common::Bytes argv[16];
    size_t argc;
    ASSERT_EQ(manifest::arguments(m.fs.root(), common::Span<common::Bytes>(argv, 16), &argc),
              manifest::Error::none);
    ASSERT_EQ(argc, 11u);
    for (int i = 0; i <= 10; i++)
        EXPECT_EQ(str(argv[i]), "arg" + std::to_string(i));
}

TEST(Decoder, RejectsStructuralErrors) {
    auto mount = [](std::vector<uint8_t> image) {
        MallocAllocator allocator;
        MemoryDisk disk(std::move(image));
        tfs::Error e;
        {
            tfs::Filesystem fs(allocator);
            e = fs.mount(disk);
        }
        EXPECT_EQ(allocator.live, 0);
        return e;
    };
    // Reference to an unknown tuple.
    EXPECT_EQ(mount(make_log_image({{0x11, 0x09, 0x81, 'a', 0x80}})), tfs::Error::corrupt);
    // Trailing bytes after the value.
    EXPECT_EQ(mount(make_log_image({{0x90, 0x00}})), tfs::Error::corrupt);
    // Type code 5.
    EXPECT_EQ(mount(make_log_image({{0xd0}})), tfs::Error::corrupt);
    // Tuple claiming more entries than bytes.
    EXPECT_EQ(mount(make_log_image({{0x98, 0xff, 0x7f}})), tfs::Error::truncated);
    // No record at all: no root.
    EXPECT_EQ(mount(make_log_image({})), tfs::Error::no_root);
    // Root is a vector, not a tuple.
    EXPECT_EQ(mount(make_log_image({{0xa0}})), tfs::Error::no_root);
    // Nesting deeper than kMaxNesting.
    std::vector<uint8_t> deep;
    for (unsigned i = 0; i < tfs::kMaxNesting + 5; i++)
        append(deep, {0x91, 0x81, 'x'});
    deep.push_back(0x90);
    EXPECT_EQ(mount(make_log_image({deep})), tfs::Error::limit);
    // Bad magic in sector 0, bad version.
    std::vector<uint8_t> image = make_log_image({base_record()});
    image[0] = 'X';
    EXPECT_EQ(mount(image), tfs::Error::bad_magic);
    image = make_log_image({base_record()});
    image[6] = 6;
    EXPECT_EQ(mount(image), tfs::Error::bad_version);
    // Unknown frame code.
    image = make_log_image({base_record()});
    image[512 + 9] = 7;
    EXPECT_EQ(mount(image), tfs::Error::corrupt);
    // An extension linking to itself forever stops at kMaxLogExtensions.
    image = make_log_image({base_record()});
    size_t end = 512 + 9 + 3 + base_record().size();
    ASSERT_EQ(image[end], 1);
    image[end] = 5;
    image[end + 1] = 1;
    image[end + 2] = 0x88;
    image[end + 3] = 0;
    EXPECT_EQ(mount(image), tfs::Error::limit);
    // A link past the end of the device is an I/O error (unknown size) ...
    image[end + 1] = 0x90;
    image[end + 2] = 0;
    image[end + 3] = 0x88;
    image[end + 4] = 0;
    EXPECT_EQ(mount(image), tfs::Error::io);
}

} // namespace
