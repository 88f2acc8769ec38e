// mutable_filesystem_log_test.cpp: log compaction of the writable TFS (tfs.md 4.6): the trigger
// and its counts (also as replayed at mount), the compacted log read back by the read-only reader
// and by a new writable mount, every kind of node, a crash after any write of a compaction, and
// compaction giving back space after ENOSPC.
#include "common/tfs/mutable_filesystem.h"
#include "common/tfs/writer.h"
#include "tests/unit/common/tfs/tfs_test_support.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>

using namespace tfs_test;

namespace {

class StringContent final : public tfs::FileContent {
  public:
    explicit StringContent(std::string s) : text(std::move(s)) {}
    bool read(uint64_t offset, common::MutableBytes out) override {
        std::memcpy(out.data(), text.data() + offset, out.size());
        return true;
    }
    std::string text;
};

// A Builder image of fs_bytes with a manifest attribute, /hello, /dir/inner and a symlink.
std::vector<uint8_t> make_image(uint64_t fs_bytes) {
    MallocAllocator allocator;
    tfs::Builder builder(allocator);
    static StringContent hello("hi\n");
    static StringContent inner(std::string(3000, 'i'));
    tfs::Value* dir = nullptr;
    EXPECT_EQ(builder.add_file(builder.root(), bytes("hello"), 3, &hello), tfs::Error::none);
    EXPECT_EQ(builder.add_directory(builder.root(), bytes("dir"), &dir), tfs::Error::none);
    EXPECT_EQ(builder.add_file(dir, bytes("inner"), 3000, &inner), tfs::Error::none);
    EXPECT_EQ(builder.add_symlink(builder.root(), bytes("link"), bytes("hello")), tfs::Error::none);
    EXPECT_EQ(builder.set_attribute(builder.root(), "program", builder.tree().make_string("/x")),
              tfs::Error::none);
    MemoryDisk disk;
    tfs::WriteOptions options;
    static const std::string label = "complabel";
    options.label = bytes(label);
    options.uuid[0] = 0xab;
    options.uuid[15] = 0xcd;
    tfs::WriteResult result;
    EXPECT_EQ(builder.write(disk, options, &result), tfs::Error::none);
    disk.data.resize(fs_bytes);
    return disk.data;
}

// Counts what a replay meets.
struct LogCounter final : tfs::LogObserver {
    void on_extension(uint64_t, uint64_t, uint64_t) override { extensions++; }
    void on_frame(uint64_t, uint64_t, tfs::FrameCode code, uint64_t, uint64_t) override {
        records += code == tfs::FrameCode::tuple_available;
    }
    uint64_t extensions = 0; // sector 0 included
    uint64_t records = 0;
};

// A read-only mount of a copy of the bytes: what the next boot, or `ops image`, sees.
struct Reader {
    MallocAllocator allocator;
    MemoryDisk disk;
    tfs::Filesystem fs{allocator};
    LogCounter log;
    tfs::Error error;
    explicit Reader(std::vector<uint8_t> bytes) : disk(std::move(bytes)) {
        tfs::MountOptions options;
        options.fs_bytes = disk.data.size();
        options.observer = &log;
        error = fs.mount(disk, options);
    }
    std::string json() const { return error == tfs::Error::none ? to_json(fs.root()).dump() : ""; }
};

// A writable mount over a disk that may watch every write.
class WatchedDisk final : public tfs::BlockSource, public tfs::BlockSink {
  public:
    explicit WatchedDisk(std::vector<uint8_t> bytes) : data(std::move(bytes)) {}
    bool read(uint64_t offset, common::MutableBytes out) override {
        if (offset + out.size() > data.size())
            return false;
        std::memcpy(out.data(), data.data() + offset, out.size());
        return true;
    }
    bool write(uint64_t offset, common::Bytes in) override {
        if (offset + in.size() > data.size())
            return false;
        std::memcpy(data.data() + offset, in.data(), in.size());
        writes++;
        if (on_write)
            on_write();
        return true;
    }
    std::vector<uint8_t> data;
    std::function<void()> on_write;
    uint64_t writes = 0;
};

struct Mounted {
    MallocAllocator allocator;
    WatchedDisk disk;
    std::unique_ptr<tfs::MutableFilesystem> fs;
    explicit Mounted(std::vector<uint8_t> bytes) : disk(std::move(bytes)) { mount(); }
    void mount() {
        fs = std::make_unique<tfs::MutableFilesystem>(allocator);
        tfs::MountOptions options;
        options.fs_bytes = disk.data.size();
        ASSERT_EQ(fs->mount(disk, disk, options), tfs::Error::none);
    }
    const tfs::Value* node(const std::string& path) {
        tfs::Lookup lookup;
        if (fs->filesystem().resolve(bytes(path), &lookup) != tfs::Error::none)
            return nullptr;
        return lookup.node;
    }
    tfs::Error write(const std::string& path, uint64_t offset, const std::string& data,
                     size_t* done = nullptr) {
        size_t d = 0;
        tfs::Error e = fs->write(node(path), offset, bytes(data), &d);
        if (done)
            *done = d;
        return e;
    }
    tfs::Error rewrite(const std::string& path, const std::string& data) {
        TFS_TRY(fs->truncate(node(path), 0));
        return write(path, 0, data);
    }
    std::string json() const { return to_json(fs->root()).dump(); }
};

std::string read_all(const tfs::Filesystem& fs, const std::string& path) {
    tfs::Lookup lookup;
    if (fs.resolve(bytes(path), &lookup) != tfs::Error::none)
        return "<missing>";
    uint64_t length = 0;
    EXPECT_EQ(tfs::file_length(lookup.node, &length), tfs::Error::none);
    std::string out(length, '\0');
    size_t done = 0;
    EXPECT_EQ(fs.read_file(lookup.node, 0,
                           common::MutableBytes(reinterpret_cast<uint8_t*>(out.data()), length),
                           &done),
              tfs::Error::none);
    return out;
}

std::string content(int i) {
    return "version " + std::to_string(i) + " " + std::string(size_t(i % 700), char('a' + i % 26));
}

TEST(TfsCompaction, RewritingOneFile20000TimesCompacts) {
    Mounted m(make_image(16ull << 20));
    ASSERT_EQ(m.fs->create_file(m.fs->root(), bytes("f"), 5, nullptr), tfs::Error::none);
    size_t most_extensions = m.fs->log_extensions();
    for (int i = 0; i < 20000; i++) {
        ASSERT_EQ(m.rewrite("/f", content(i)), tfs::Error::none) << i;
        if (i % 50 == 49)
            ASSERT_EQ(m.fs->flush(), tfs::Error::none);
        most_extensions = std::max(most_extensions, m.fs->log_extensions());
    }
    ASSERT_EQ(m.fs->flush(), tfs::Error::none);
    // 20000 rewrites are 80000 update records, each made obsolete by the next rewrite: a
    // compaction about every 2000 rewrites.
    EXPECT_GE(m.fs->compactions(), 5u);
    EXPECT_LE(most_extensions, 2u);
    EXPECT_LT(m.fs->log_stats().updates(), 4 * 3000u);

    // The image reads back identically through the read-only reader...
    Reader reader(m.disk.data);
    ASSERT_EQ(reader.error, tfs::Error::none);
    EXPECT_EQ(reader.json(), m.json());
    EXPECT_EQ(read_all(reader.fs, "/f"), content(19999));
    EXPECT_EQ(read_all(reader.fs, "/dir/inner"), std::string(3000, 'i'));
    EXPECT_LE(reader.log.extensions, 3u);
    EXPECT_LT(reader.log.records, 4 * 3000u);
    EXPECT_EQ(str(reader.fs.label()), "complabel");
    EXPECT_EQ(reader.fs.uuid()[0], 0xab);
    EXPECT_EQ(reader.fs.uuid()[15], 0xcd);
    // ...and through a new writable mount, which goes on from there.
    std::string before = m.json();
    m.mount();
    EXPECT_EQ(m.json(), before);
    ASSERT_EQ(m.rewrite("/f", "after remount"), tfs::Error::none);
    ASSERT_EQ(m.fs->flush(), tfs::Error::none);
    Reader again(m.disk.data);
    EXPECT_EQ(read_all(again.fs, "/f"), "after remount");
}

TEST(TfsCompaction, CountsAtMountMatchTheSession) {
    Mounted m(make_image(16ull << 20));
    ASSERT_EQ(m.fs->create_file(m.fs->root(), bytes("f"), 5, nullptr), tfs::Error::none);
    const tfs::Value* dir = m.node("/dir");
    for (int i = 0; i < 900; i++) {
        ASSERT_EQ(m.rewrite("/f", content(i)), tfs::Error::none);
        std::string name = "t" + std::to_string(i % 7);
        if (!tfs::lookup_child(dir, bytes(name)))
            ASSERT_EQ(m.fs->create_file(dir, bytes(name), 1, nullptr), tfs::Error::none);
        ASSERT_EQ(m.fs->rename(dir, bytes(name), m.fs->root(), bytes("g")), tfs::Error::none);
    }
    ASSERT_EQ(m.fs->flush(), tfs::Error::none);
    EXPECT_EQ(m.fs->compactions(), 0u);
    uint64_t updates = m.fs->log_stats().updates(), obsolete = m.fs->log_stats().obsolete();
    EXPECT_GT(obsolete, 5000u);
    EXPECT_FALSE(m.fs->log_stats().wants_compaction());
    m.mount();
    EXPECT_EQ(m.fs->log_stats().updates(), updates);
    EXPECT_EQ(m.fs->log_stats().obsolete(), obsolete);
    // The counts carried over the remount bring the trigger closer.
    for (int i = 0; m.fs->compactions() == 0 && i < 2000; i++)
        ASSERT_EQ(m.rewrite("/f", content(i)), tfs::Error::none);
    EXPECT_EQ(m.fs->compactions(), 1u);
    EXPECT_LE(m.fs->log_stats().updates(), 4u); // counting starts again with the new log
}

TEST(TfsCompaction, KeepsEveryKindOfNode) {
    Mounted m(make_image(32ull << 20));
    tfs::MutableFilesystem& fs = *m.fs;
    const tfs::Value *a, *b, *sub, *big, *sparse, *orphan;
    ASSERT_EQ(fs.create_directory(fs.root(), bytes("a"), 11, &a), tfs::Error::none);
    ASSERT_EQ(fs.create_directory(a, bytes("sub"), 12, &sub), tfs::Error::none);
    ASSERT_EQ(fs.create_directory(fs.root(), bytes("empty"), 13, nullptr), tfs::Error::none);
    ASSERT_EQ(fs.create_file(sub, bytes("b"), 14, &b), tfs::Error::none);
    ASSERT_EQ(m.write("/a/sub/b", 0, "bee"), tfs::Error::none);
    ASSERT_EQ(fs.link(fs.root(), bytes("hard"), b), tfs::Error::none);
    ASSERT_EQ(fs.create_symlink(a, bytes("up"), bytes("../hello"), 15, nullptr), tfs::Error::none);
    ASSERT_EQ(fs.create_symlink(a, bytes("abs"), bytes("/a/sub/b"), 0, nullptr), tfs::Error::none);
    // A file of several extents with holes, and reserved (`uninited`) blocks.
    ASSERT_EQ(fs.create_file(fs.root(), bytes("big"), 16, &big), tfs::Error::none);
    std::string chunk(70000, 'x');
    for (int i = 0; i < 40; i++) {
        chunk[0] = char('A' + i);
        ASSERT_EQ(m.write("/big", uint64_t(i) * 1000000, chunk), tfs::Error::none);
    }
    ASSERT_EQ(fs.create_file(fs.root(), bytes("sparse"), 17, &sparse), tfs::Error::none);
    ASSERT_EQ(fs.allocate(sparse, 4096, 100000, tfs::SizeChange::grow), tfs::Error::none);
    tfs::NodeTimes times;
    times.set_mtime = true;
    times.mtime = 0x5f5e100ull << 32;
    ASSERT_EQ(fs.set_times(a, times), tfs::Error::none);
    // An open file without a name: written before and after the compaction.
    ASSERT_EQ(fs.create_file(fs.root(), bytes("gone"), 18, &orphan), tfs::Error::none);
    ASSERT_EQ(m.write("/gone", 0, "still here"), tfs::Error::none);
    ASSERT_EQ(fs.remove(fs.root(), bytes("gone"), tfs::LastName::keep), tfs::Error::none);
    ASSERT_EQ(fs.flush(), tfs::Error::none);

    ASSERT_EQ(fs.compact(), tfs::Error::none);
    EXPECT_EQ(fs.log_extensions(), 1u);
    Reader reader(m.disk.data);
    ASSERT_EQ(reader.error, tfs::Error::none);
    EXPECT_EQ(reader.log.records, 1u); // one root record
    EXPECT_EQ(reader.json(), m.json());
    EXPECT_TRUE(tfs::values_equal(reader.fs.root(), fs.root()));
    // A hard link is still one tuple.
    tfs::Lookup one, two;
    ASSERT_EQ(reader.fs.resolve("/hard", &one), tfs::Error::none);
    ASSERT_EQ(reader.fs.resolve("/a/sub/b", &two), tfs::Error::none);
    EXPECT_EQ(one.node, two.node);
    EXPECT_EQ(tfs::link_count(one.node), 2u);
    std::string big_content = read_all(reader.fs, "/big");
    for (int i = 0; i < 40; i++)
        EXPECT_EQ(big_content.substr(size_t(i) * 1000000, 70000),
                  std::string(1, char('A' + i)) + std::string(69999, 'x'));
    EXPECT_EQ(read_all(reader.fs, "/sparse"), std::string(4096 + 100000, '\0'));

    // The log goes on after the compaction: through the hard link, in new and old files, and on
    // the orphan (which needs no record).
    size_t done = 0;
    ASSERT_EQ(fs.write(orphan, 10, bytes("!"), &done), tfs::Error::none);
    char text[11];
    ASSERT_EQ(fs.filesystem().read_file(
                  orphan, 0, common::MutableBytes(reinterpret_cast<uint8_t*>(text), 11), &done),
              tfs::Error::none);
    EXPECT_EQ(std::string(text, done), "still here!");
    ASSERT_EQ(m.write("/hard", 3, "hive"), tfs::Error::none);
    ASSERT_EQ(fs.create_file(sub, bytes("new"), 19, nullptr), tfs::Error::none);
    ASSERT_EQ(m.write("/a/sub/new", 0, "fresh"), tfs::Error::none);
    ASSERT_EQ(fs.rename(fs.root(), bytes("big"), a, bytes("big2")), tfs::Error::none);
    ASSERT_EQ(fs.remove(a, bytes("abs")), tfs::Error::none);
    ASSERT_EQ(fs.flush(), tfs::Error::none);
    ASSERT_EQ(fs.release_orphan(orphan), tfs::Error::none);
    Reader after(m.disk.data);
    ASSERT_EQ(after.error, tfs::Error::none);
    EXPECT_EQ(after.json(), m.json());
    EXPECT_EQ(read_all(after.fs, "/a/sub/b"), "beehive");
    EXPECT_EQ(read_all(after.fs, "/a/sub/new"), "fresh");
    m.mount();
    EXPECT_EQ(m.json(), after.json());
}

// Every write a compaction makes is a possible crash point: a reader must then see either the
// old log (the state of the last flush) or the new one (with the pending changes too).
TEST(TfsCompaction, CrashAtAnyWriteSeesOldOrNewLog) {
    Mounted m(make_image(16ull << 20));
    tfs::MutableFilesystem& fs = *m.fs;
    // A root record larger than one extension, so the new chain has two.
    for (int i = 0; i < 2600; i++) {
        std::string name = "n" + std::to_string(i) + std::string(200, 'q');
        ASSERT_EQ(fs.create_file(fs.root(), bytes(name), 0, nullptr), tfs::Error::none);
    }
    ASSERT_EQ(fs.create_file(fs.root(), bytes("f"), 5, nullptr), tfs::Error::none);
    for (int i = 0; i < 300; i++)
        ASSERT_EQ(m.rewrite("/f", content(i)), tfs::Error::none);
    ASSERT_EQ(fs.flush(), tfs::Error::none);
    const std::string old_state = Reader(m.disk.data).json();
    ASSERT_EQ(old_state, m.json());
    // Pending changes the compaction carries.
    ASSERT_EQ(m.rewrite("/f", "pending"), tfs::Error::none);
    ASSERT_EQ(fs.remove(fs.root(), bytes("hello")), tfs::Error::none);
    ASSERT_EQ(fs.create_directory(fs.root(), bytes("newdir"), 3, nullptr), tfs::Error::none);
    const std::string new_state = m.json();
    ASSERT_NE(new_state, old_state);

    int crash_points = 0;
    bool switched = false;
    m.disk.on_write = [&] {
        crash_points++;
        Reader crashed(m.disk.data);
        ASSERT_EQ(crashed.error, tfs::Error::none) << "crash point " << crash_points;
        std::string seen = crashed.json();
        if (seen == new_state) {
            switched = true;
            EXPECT_EQ(crashed.log.records, 1u);
        } else {
            ASSERT_FALSE(switched) << "back to the old log at crash point " << crash_points;
            ASSERT_EQ(seen, old_state) << "a mix at crash point " << crash_points;
        }
        // A writable mount of the crashed image works as well.
        MallocAllocator allocator;
        WatchedDisk copy(m.disk.data);
        tfs::MutableFilesystem writable(allocator);
        tfs::MountOptions options;
        options.fs_bytes = copy.data.size();
        ASSERT_EQ(writable.mount(copy, copy, options), tfs::Error::none);
    };
    ASSERT_EQ(fs.compact(), tfs::Error::none);
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    EXPECT_TRUE(switched);
    EXPECT_EQ(crash_points, 3); // two chain extensions, then sector 0
    EXPECT_EQ(fs.log_extensions(), 2u);
    m.disk.on_write = nullptr;
    // The old chain is free space again: the freed extents hold new data and log without
    // disturbing the new log.
    for (int i = 0; i < 2000; i++)
        ASSERT_EQ(m.rewrite("/f", content(i)), tfs::Error::none);
    ASSERT_EQ(fs.flush(), tfs::Error::none);
    Reader after(m.disk.data);
    EXPECT_EQ(after.json(), m.json());
}

// Compaction is what gives space back when the log holds most of a small disk.
TEST(TfsCompaction, NoSpaceIsRelievedByCompaction) {
    Mounted m(make_image(6ull << 20));
    tfs::MutableFilesystem& fs = *m.fs;
    // Over 512 KiB of records that the removals make obsolete, below the ratio trigger.
    for (int i = 0; i < 2000; i++) {
        std::string name = "n" + std::to_string(i) + std::string(240, 'q');
        ASSERT_EQ(fs.create_file(fs.root(), bytes(name), 0, nullptr), tfs::Error::none) << i;
    }
    for (int i = 0; i < 2000; i++) {
        std::string name = "n" + std::to_string(i) + std::string(240, 'q');
        ASSERT_EQ(fs.remove(fs.root(), bytes(name)), tfs::Error::none) << i;
    }
    ASSERT_EQ(fs.flush(), tfs::Error::none);
    EXPECT_FALSE(fs.log_stats().wants_compaction());
    EXPECT_GE(fs.log_extensions(), 2u);
    ASSERT_EQ(fs.compactions(), 0u);
    // Fill the disk.
    ASSERT_EQ(fs.create_file(fs.root(), bytes("fill"), 1, nullptr), tfs::Error::none);
    std::string data(1 << 20, 'z');
    uint64_t written = 0;
    for (;;) {
        size_t done = 0;
        tfs::Error e = m.write("/fill", written, data, &done);
        written += done;
        if (e == tfs::Error::no_space)
            break;
        ASSERT_EQ(e, tfs::Error::none);
    }
    // What the kernel does on ENOSPC: flush, then try again. The flush compacts.
    ASSERT_EQ(fs.flush(), tfs::Error::none);
    EXPECT_EQ(fs.compactions(), 1u);
    EXPECT_EQ(fs.log_extensions(), 1u);
    size_t more = 0;
    tfs::Error e = m.write("/fill", written, data, &more);
    EXPECT_TRUE(e == tfs::Error::none || e == tfs::Error::no_space) << tfs::error_name(e);
    EXPECT_GE(more, 512u * 1024);
    written += more;
    ASSERT_EQ(fs.flush(), tfs::Error::none);
    Reader reader(m.disk.data);
    ASSERT_EQ(reader.error, tfs::Error::none);
    EXPECT_EQ(reader.json(), m.json());
    EXPECT_EQ(read_all(reader.fs, "/fill"), std::string(written, 'z'));
    // With nothing left to gain, a second ENOSPC does not compact again.
    size_t none = 0;
    EXPECT_EQ(m.write("/fill", written, data, &none), tfs::Error::no_space);
    ASSERT_EQ(fs.flush(), tfs::Error::none);
    EXPECT_EQ(fs.compactions(), 1u);
}

} // namespace
