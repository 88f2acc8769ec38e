// mutable_filesystem_test.cpp: the writable TFS: every operation, then a fresh mount of the same
// bytes (a reboot) compared with an in-memory model; ENOSPC; log extensions; crash consistency
// (a copy of the device after every single block write must mount); randomized sequences; and
// writing to the spec's vectors.
#include "common/tfs/mutable_filesystem.h"
#include "common/tfs/writer.h"
#include "tests/unit/common/tfs/tfs_test_support.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>

using namespace tfs_test;

namespace {

// The expected tree: path -> node. Directories have no content; symlinks keep their target.
struct ModelNode {
    enum Type { file, directory, symlink } type = file;
    std::string content;
    std::string target;
    bool operator==(const ModelNode& o) const {
        return type == o.type && content == o.content && target == o.target;
    }
};
using Model = std::map<std::string, ModelNode>;

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

void walk(const tfs::Filesystem& fs, const tfs::Value* dir, const std::string& prefix, Model& out) {
    const tfs::Value* children = tfs::directory_entries(dir);
    for (size_t i = 0; i < children->entry_count(); i++) {
        std::string path = prefix + "/" + str(children->entry(i).name);
        const tfs::Value* node = children->entry(i).value;
        ModelNode m;
        switch (tfs::node_type(node)) {
        case tfs::NodeType::directory:
            m.type = ModelNode::directory;
            out[path] = m;
            walk(fs, node, path, out);
            continue;
        case tfs::NodeType::symlink: {
            common::Bytes t;
            ASSERT_TRUE(tfs::symlink_target(node, &t));
            m.type = ModelNode::symlink;
            m.target = str(t);
            break;
        }
        case tfs::NodeType::file:
            m.content = read_all(fs, node);
            break;
        default:
            ADD_FAILURE() << "odd node " << path;
        }
        out[path] = m;
    }
}

Model tree_of(const tfs::Filesystem& fs) {
    Model m;
    walk(fs, fs.root(), "", m);
    return m;
}

std::string describe_difference(const Model& want, const Model& got) {
    for (auto& [path, node] : want) {
        auto it = got.find(path);
        if (it == got.end())
            return "missing " + path;
        if (!(it->second == node))
            return "differs " + path + " (size " + std::to_string(node.content.size()) + " vs " +
                   std::to_string(it->second.content.size()) + ")";
    }
    for (auto& [path, node] : got)
        if (!want.count(path))
            return "extra " + path;
    return "";
}

// Mounts a copy of the bytes with a fresh read-only Filesystem: what a reboot would see.
Model remount(const std::vector<uint8_t>& bytes, tfs::Error* error = nullptr) {
    MallocAllocator allocator;
    MemoryDisk disk(bytes);
    tfs::Filesystem fs(allocator);
    tfs::MountOptions options;
    options.fs_bytes = bytes.size();
    tfs::Error e = fs.mount(disk, options);
    if (error)
        *error = e;
    else
        EXPECT_EQ(e, tfs::Error::none) << tfs::error_name(e);
    if (e != tfs::Error::none)
        return {};
    return tree_of(fs);
}

class StringContent final : public tfs::FileContent {
  public:
    explicit StringContent(std::string s) : text(std::move(s)) {}
    bool read(uint64_t offset, common::MutableBytes out) override {
        std::memcpy(out.data(), text.data() + offset, out.size());
        return true;
    }
    std::string text;
};

std::string pattern(size_t size, uint32_t seed) {
    std::string s(size, '\0');
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        s[i] = char(x);
    }
    return s;
}

// A Builder image of fs_bytes: /hello, /dir/inner (3000 B), /empty, /dir/sub/, /link -> hello.
struct Image {
    std::vector<uint8_t> bytes;
    Model model;
};

Image make_image(uint64_t fs_bytes) {
    MallocAllocator allocator;
    tfs::Builder builder(allocator);
    static StringContent hello("hi\n");
    static StringContent inner(pattern(3000, 1));
    tfs::Value* dir = nullptr;
    EXPECT_EQ(builder.add_file(builder.root(), bytes("hello"), 3, &hello), tfs::Error::none);
    EXPECT_EQ(builder.add_file(builder.root(), bytes("empty"), 0, nullptr), tfs::Error::none);
    EXPECT_EQ(builder.add_directory(builder.root(), bytes("dir"), &dir), tfs::Error::none);
    EXPECT_EQ(builder.add_file(dir, bytes("inner"), 3000, &inner), tfs::Error::none);
    EXPECT_EQ(builder.add_directory(dir, bytes("sub")), tfs::Error::none);
    EXPECT_EQ(builder.add_symlink(builder.root(), bytes("link"), bytes("hello")), tfs::Error::none);
    MemoryDisk disk;
    tfs::WriteOptions options;
    tfs::WriteResult result;
    EXPECT_EQ(builder.write(disk, options, &result), tfs::Error::none);
    disk.data.resize(fs_bytes);
    Image image{disk.data, {}};
    image.model["/hello"] = {ModelNode::file, "hi\n", ""};
    image.model["/empty"] = {ModelNode::file, "", ""};
    image.model["/dir"] = {ModelNode::directory, "", ""};
    image.model["/dir/inner"] = {ModelNode::file, inner.text, ""};
    image.model["/dir/sub"] = {ModelNode::directory, "", ""};
    image.model["/link"] = {ModelNode::symlink, "", "hello"};
    return image;
}

// A writable mount over a MemoryDisk, with helpers that take paths.
struct Mounted {
    MallocAllocator allocator;
    MemoryDisk disk;
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
    static std::string parent(const std::string& path) { return path.substr(0, path.rfind('/')); }
    static std::string leaf(const std::string& path) { return path.substr(path.rfind('/') + 1); }
    tfs::Error create(const std::string& path) {
        return fs->create_file(node(parent(path)), bytes(leaf(path)), 0x123456789ull, nullptr);
    }
    tfs::Error mkdir(const std::string& path) {
        return fs->create_directory(node(parent(path)), bytes(leaf(path)), 7, nullptr);
    }
    tfs::Error symlink(const std::string& path, const std::string& target) {
        return fs->create_symlink(node(parent(path)), bytes(leaf(path)), bytes(target), 0, nullptr);
    }
    tfs::Error write(const std::string& path, uint64_t offset, const std::string& data,
                     size_t* done = nullptr) {
        size_t d = 0;
        tfs::Error e = fs->write(node(path), offset, bytes(data), &d);
        if (done)
            *done = d;
        return e;
    }
    tfs::Error truncate(const std::string& path, uint64_t length) {
        return fs->truncate(node(path), length);
    }
    tfs::Error remove(const std::string& path) {
        return fs->remove(node(parent(path)), bytes(leaf(path)));
    }
    tfs::Error rename(const std::string& from, const std::string& to) {
        return fs->rename(node(parent(from)), bytes(leaf(from)), node(parent(to)), bytes(leaf(to)));
    }
    tfs::Error link(const std::string& existing, const std::string& path) {
        return fs->link(node(parent(path)), bytes(leaf(path)), node(existing));
    }
};

void model_write(std::string& content, uint64_t offset, const std::string& data) {
    if (content.size() < offset + data.size())
        content.resize(offset + data.size(), '\0');
    content.replace(offset, data.size(), data);
}

constexpr uint64_t kSmallFs = 8ull << 20;

TEST(MutableTfs, EveryOperationSurvivesRemount) {
    Image image = make_image(64ull << 20);
    Mounted m(image.bytes);
    Model model = image.model;
    EXPECT_EQ(tree_of(m.fs->filesystem()), model);

    // A new file with a multi-MB write, appends, a middle overwrite and a hole.
    ASSERT_EQ(m.create("/big"), tfs::Error::none);
    std::string big = pattern(5 * 1024 * 1024 + 77, 2);
    size_t done = 0;
    ASSERT_EQ(m.write("/big", 0, big, &done), tfs::Error::none);
    EXPECT_EQ(done, big.size());
    model["/big"] = {ModelNode::file, big, ""};
    for (int i = 0; i < 50; i++) {
        std::string piece = pattern(100 + i * 37, 100 + i);
        ASSERT_EQ(m.write("/big", model["/big"].content.size(), piece), tfs::Error::none);
        model["/big"].content += piece;
    }
    std::string middle = pattern(70000, 3);
    ASSERT_EQ(m.write("/big", 1000001, middle), tfs::Error::none);
    model_write(model["/big"].content, 1000001, middle);
    ASSERT_EQ(m.write("/hello", 10000, "after a hole"), tfs::Error::none);
    model_write(model["/hello"].content, 10000, "after a hole");
    ASSERT_EQ(m.write("/hello", 1, "O"), tfs::Error::none);
    model_write(model["/hello"].content, 1, "O");
    // Truncate down (mid-sector) then up: the tail must read back as zeros.
    ASSERT_EQ(m.truncate("/dir/inner", 1234), tfs::Error::none);
    ASSERT_EQ(m.truncate("/dir/inner", 5000), tfs::Error::none);
    model["/dir/inner"].content.resize(1234);
    model["/dir/inner"].content.resize(5000, '\0');
    ASSERT_EQ(m.write("/empty", 0, "now full"), tfs::Error::none);
    model["/empty"].content = "now full";

    ASSERT_EQ(m.mkdir("/newdir"), tfs::Error::none);
    ASSERT_EQ(m.mkdir("/newdir/deeper"), tfs::Error::none);
    ASSERT_EQ(m.create("/newdir/deeper/f"), tfs::Error::none);
    ASSERT_EQ(m.write("/newdir/deeper/f", 0, "deep"), tfs::Error::none);
    ASSERT_EQ(m.symlink("/newdir/abs", "/big"), tfs::Error::none);
    model["/newdir"] = {ModelNode::directory, "", ""};
    model["/newdir/deeper"] = {ModelNode::directory, "", ""};
    model["/newdir/deeper/f"] = {ModelNode::file, "deep", ""};
    model["/newdir/abs"] = {ModelNode::symlink, "", "/big"};

    EXPECT_EQ(describe_difference(model, tree_of(m.fs->filesystem())), "");
    ASSERT_EQ(m.fs->flush(), tfs::Error::none);
    EXPECT_EQ(describe_difference(model, remount(m.disk.data)), "");
}

TEST(MutableTfs, LinkRenameRemoveAndTimes) {
    Image image = make_image(kSmallFs);
    Mounted m(image.bytes);
    Model model = image.model;
    EXPECT_EQ(m.mkdir("/hello"), tfs::Error::exists);
    EXPECT_EQ(m.create("/dir/a/b"), tfs::Error::not_a_directory); // parent does not resolve
    EXPECT_EQ(m.fs->create_file(m.node("/"), bytes(std::string(256, 'x')), 0, nullptr),
              tfs::Error::name_too_long);
    EXPECT_EQ(m.fs->create_file(m.node("/"), bytes(".."), 0, nullptr),
              tfs::Error::invalid_argument);
    EXPECT_EQ(m.remove("/dir"), tfs::Error::not_empty);
    EXPECT_EQ(m.remove("/nothing"), tfs::Error::not_found);

    ASSERT_EQ(m.link("/hello", "/dir/hello2"), tfs::Error::none);
    EXPECT_EQ(m.link("/dir", "/dirlink"), tfs::Error::is_a_directory);
    EXPECT_EQ(tfs::link_count(m.node("/hello")), 2u);
    ASSERT_EQ(m.write("/dir/hello2", 3, "!"), tfs::Error::none); // seen through both names
    model["/hello"].content = "hi\n!";
    model["/dir/hello2"] = model["/hello"];
    // rename over an existing file replaces it; a directory cannot replace a file.
    ASSERT_EQ(m.rename("/empty", "/dir/inner"), tfs::Error::none);
    model["/dir/inner"] = model["/empty"];
    model.erase("/empty");
    EXPECT_EQ(m.rename("/dir/sub", "/hello"), tfs::Error::not_a_directory);
    EXPECT_EQ(m.rename("/hello", "/dir/sub"), tfs::Error::is_a_directory);
    EXPECT_EQ(m.rename("/dir", "/dir/sub/x"), tfs::Error::invalid_argument);
    EXPECT_EQ(m.rename("/hello", "/dir/hello2"), tfs::Error::none); // same node: no-op
    ASSERT_EQ(m.rename("/dir", "/moved"), tfs::Error::none);
    for (std::string p : {"/dir", "/dir/inner", "/dir/sub", "/dir/hello2"}) {
        model["/moved" + p.substr(4)] = model[p];
        model.erase(p);
    }
    ASSERT_EQ(m.remove("/moved/sub"), tfs::Error::none);
    model.erase("/moved/sub");
    ASSERT_EQ(m.remove("/hello"), tfs::Error::none);
    model.erase("/hello");
    EXPECT_EQ(tfs::link_count(m.node("/moved/hello2")), 1u);
    ASSERT_EQ(m.remove("/link"), tfs::Error::none);
    model.erase("/link");
    tfs::NodeTimes times;
    times.set_mtime = true;
    times.mtime = 0x5f5e100000000000ull;
    ASSERT_EQ(m.fs->set_times(m.node("/moved/hello2"), times), tfs::Error::none);

    ASSERT_EQ(m.fs->flush(), tfs::Error::none);
    EXPECT_EQ(describe_difference(model, remount(m.disk.data)), "");
    MallocAllocator allocator;
    MemoryDisk copy(m.disk.data);
    tfs::Filesystem fresh(allocator);
    ASSERT_EQ(fresh.mount(copy), tfs::Error::none);
    tfs::Lookup lookup;
    ASSERT_EQ(fresh.resolve("/moved/hello2", &lookup), tfs::Error::none);
    uint64_t value = 0;
    EXPECT_TRUE(tfs::value_as_u64(tfs::tuple_get(lookup.node, "mtime"), &value));
    EXPECT_EQ(value, times.mtime);
    EXPECT_EQ(tfs::link_count(lookup.node), 1u);
}

TEST(MutableTfs, LogContinuesAfterEndOfSegmentAndAcrossSessions) {
    Image image = make_image(kSmallFs);
    Model model = image.model;
    std::vector<uint8_t> bytes = image.bytes;
    for (int session = 0; session < 3; session++) {
        Mounted m(bytes);
        std::string path = "/s" + std::to_string(session);
        ASSERT_EQ(m.create(path), tfs::Error::none);
        ASSERT_EQ(m.write(path, 0, path), tfs::Error::none);
        model[path] = {ModelNode::file, path, ""};
        ASSERT_EQ(m.fs->flush(), tfs::Error::none);
        bytes = m.disk.data;
        EXPECT_EQ(describe_difference(model, remount(bytes)), "");
    }
    // Each session left one END_OF_SEGMENT where the previous END_OF_LOG was (4.5).
    int segments = 0;
    struct Counter final : tfs::LogObserver {
        int* n;
        void on_frame(uint64_t, uint64_t, tfs::FrameCode code, uint64_t, uint64_t) override {
            if (code == tfs::FrameCode::end_of_segment)
                (*n)++;
        }
    } counter;
    counter.n = &segments;
    MallocAllocator allocator;
    MemoryDisk disk(bytes);
    tfs::Filesystem fs(allocator);
    tfs::MountOptions options;
    options.observer = &counter;
    ASSERT_EQ(fs.mount(disk, options), tfs::Error::none);
    EXPECT_EQ(segments, 3);
}

TEST(MutableTfs, LogNeedsSeveralExtensions) {
    Image image = make_image(32ull << 20);
    Mounted m(image.bytes);
    Model model = image.model;
    ASSERT_EQ(m.mkdir("/many"), tfs::Error::none);
    model["/many"] = {ModelNode::directory, "", ""};
    // Long names make big records: about 1700 creates per 512 KiB extension.
    for (int i = 0; i < 6000; i++) {
        std::string path = "/many/" + std::to_string(i) + std::string(240, 'n');
        ASSERT_EQ(m.create(path), tfs::Error::none) << i;
        model[path] = {ModelNode::file, "", ""};
        if (i % 500 == 0) {
            ASSERT_EQ(m.write(path, 0, "x"), tfs::Error::none);
            model[path].content = "x";
        }
    }
    ASSERT_EQ(m.fs->flush(), tfs::Error::none);
    EXPECT_GE(m.fs->extensions_added(), 3u);
    EXPECT_EQ(describe_difference(model, remount(m.disk.data)), "");
    // Remove them all again in a second session; the log keeps growing.
    Mounted again(m.disk.data);
    for (int i = 0; i < 6000; i++) {
        std::string path = "/many/" + std::to_string(i) + std::string(240, 'n');
        ASSERT_EQ(again.remove(path), tfs::Error::none);
        model.erase(path);
    }
    ASSERT_EQ(again.fs->flush(), tfs::Error::none);
    EXPECT_EQ(describe_difference(model, remount(again.disk.data)), "");
}

TEST(MutableTfs, FillUntilNoSpaceKeepsEarlierFiles) {
    Image image = make_image(kSmallFs);
    Mounted m(image.bytes);
    Model model = image.model;
    tfs::Error error = tfs::Error::none;
    int i = 0;
    for (; i < 100; i++) {
        std::string path = "/fill" + std::to_string(i);
        ASSERT_EQ(m.create(path), tfs::Error::none);
        model[path] = {ModelNode::file, "", ""};
        std::string data = pattern(300 * 1024, i);
        size_t done = 0;
        error = m.write(path, 0, data, &done);
        model[path].content = data.substr(0, done);
        if (error != tfs::Error::none)
            break;
        ASSERT_EQ(done, data.size());
    }
    EXPECT_EQ(error, tfs::Error::no_space);
    EXPECT_GT(i, 5);
    // The reserve for two log extensions stays free (6.8), so metadata still works.
    EXPECT_GE(m.fs->free_sectors(), 0u);
    ASSERT_EQ(m.create("/after_full"), tfs::Error::none);
    model["/after_full"] = {ModelNode::file, "", ""};
    ASSERT_EQ(m.fs->flush(), tfs::Error::none);
    EXPECT_EQ(describe_difference(model, remount(m.disk.data)), "");
    // Freeing space makes room again after the flush that logs it.
    ASSERT_EQ(m.remove("/fill0"), tfs::Error::none);
    model.erase("/fill0");
    ASSERT_EQ(m.fs->flush(), tfs::Error::none);
    ASSERT_EQ(m.write("/after_full", 0, pattern(200 * 1024, 9)), tfs::Error::none);
    model["/after_full"].content = pattern(200 * 1024, 9);
    ASSERT_EQ(m.fs->flush(), tfs::Error::none);
    EXPECT_EQ(describe_difference(model, remount(m.disk.data)), "");
}

// A disk that can take a snapshot after every write call: each one is a possible crash point.
class CrashDisk final : public tfs::BlockSource, public tfs::BlockSink {
  public:
    explicit CrashDisk(std::vector<uint8_t> bytes) : data(std::move(bytes)) {}
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
        if (on_write)
            on_write();
        return true;
    }
    std::vector<uint8_t> data;
    std::function<void()> on_write;
};

// Applies one random operation to fs and model. Returns the paths it touched.
struct RandomOps {
    std::mt19937 rng;
    int counter = 0;
    explicit RandomOps(uint32_t seed) : rng(seed) {}

    std::vector<std::string> paths(const Model& model, ModelNode::Type type) {
        std::vector<std::string> out;
        for (auto& [p, n] : model)
            if (n.type == type)
                out.push_back(p);
        return out;
    }
    std::string pick(const std::vector<std::string>& v) { return v[rng() % v.size()]; }

    void step(tfs::MutableFilesystem& fs, Model& model, std::set<std::string>& touched,
              const std::function<const tfs::Value*(const std::string&)>& node) {
        auto dirs = paths(model, ModelNode::directory);
        dirs.push_back("");
        auto files = paths(model, ModelNode::file);
        auto dir_node = [&](const std::string& d) { return node(d.empty() ? "/" : d); };
        switch (rng() % 9) {
        case 0:
        case 1: { // create
            std::string dir = pick(dirs), name = "f" + std::to_string(counter++);
            ASSERT_EQ(fs.create_file(dir_node(dir), bytes(name), 1, nullptr), tfs::Error::none);
            model[dir + "/" + name] = {ModelNode::file, "", ""};
            touched.insert(dir + "/" + name);
            break;
        }
        case 2: { // mkdir
            std::string dir = pick(dirs), name = "d" + std::to_string(counter++);
            ASSERT_EQ(fs.create_directory(dir_node(dir), bytes(name), 1, nullptr),
                      tfs::Error::none);
            model[dir + "/" + name] = {ModelNode::directory, "", ""};
            break;
        }
        case 3:
        case 4: { // write
            if (files.empty())
                return;
            std::string f = pick(files);
            auto& content = model[f].content;
            uint64_t offset = rng() % (content.size() + 20000);
            std::string data = pattern(rng() % 70000 + 1, rng());
            size_t done = 0;
            touched.insert(f); // before the call: snapshots are taken inside it
            ASSERT_EQ(fs.write(node(f), offset, bytes(data), &done), tfs::Error::none);
            model_write(content, offset, data);
            break;
        }
        case 5: { // truncate
            if (files.empty())
                return;
            std::string f = pick(files);
            uint64_t length = rng() % (model[f].content.size() + 5000);
            touched.insert(f);
            ASSERT_EQ(fs.truncate(node(f), length), tfs::Error::none);
            model[f].content.resize(length, '\0');
            break;
        }
        case 6: { // remove a file or an empty directory
            std::vector<std::string> victims = files;
            for (auto& d : paths(model, ModelNode::directory)) {
                bool empty = true;
                for (auto& [p, n] : model)
                    if (p.rfind(d + "/", 0) == 0)
                        empty = false;
                if (empty)
                    victims.push_back(d);
            }
            if (victims.empty())
                return;
            std::string v = pick(victims);
            std::string parent = v.substr(0, v.rfind('/'));
            touched.insert(v);
            ASSERT_EQ(fs.remove(dir_node(parent), bytes(v.substr(v.rfind('/') + 1))),
                      tfs::Error::none);
            model.erase(v);
            break;
        }
        case 7: { // rename a file, possibly over another
            if (files.empty())
                return;
            std::string from = pick(files);
            std::string to = rng() % 2 && files.size() > 1
                                 ? pick(files)
                                 : pick(dirs) + "/r" + std::to_string(counter++);
            if (to == from)
                return;
            touched.insert(from);
            touched.insert(to);
            ASSERT_EQ(fs.rename(dir_node(from.substr(0, from.rfind('/'))),
                                bytes(from.substr(from.rfind('/') + 1)),
                                dir_node(to.substr(0, to.rfind('/'))),
                                bytes(to.substr(to.rfind('/') + 1))),
                      tfs::Error::none);
            model[to] = model[from];
            model.erase(from);
            break;
        }
        case 8: { // symlink
            std::string dir = pick(dirs), name = "l" + std::to_string(counter++);
            ASSERT_EQ(
                fs.create_symlink(dir_node(dir), bytes(name), bytes("target/" + name), 0, nullptr),
                tfs::Error::none);
            model[dir + "/" + name] = {ModelNode::symlink, "", "target/" + name};
            break;
        }
        }
    }
};

// Everything in `durable` that the current operation did not touch must be in `got` unchanged.
void expect_durable(const Model& durable, const std::set<std::string>& touched, const Model& got,
                    const std::string& where) {
    for (auto& [path, node] : durable) {
        bool changed = false;
        for (auto& t : touched)
            if (path == t || path.rfind(t + "/", 0) == 0)
                changed = true;
        if (changed)
            continue;
        auto it = got.find(path);
        ASSERT_TRUE(it != got.end()) << where << ": lost " << path;
        ASSERT_TRUE(it->second == node) << where << ": changed " << path;
    }
}

TEST(MutableTfs, CrashAfterAnyWriteStillMounts) {
    Image image = make_image(kSmallFs);
    CrashDisk disk(image.bytes);
    MallocAllocator allocator;
    tfs::MutableFilesystem fs(allocator);
    tfs::MountOptions options;
    options.fs_bytes = disk.data.size();
    ASSERT_EQ(fs.mount(disk, disk, options), tfs::Error::none);
    auto node = [&](const std::string& p) {
        tfs::Lookup lookup;
        EXPECT_EQ(fs.filesystem().resolve(bytes(p), &lookup), tfs::Error::none) << p;
        return lookup.node;
    };
    Model model = image.model, durable = image.model;
    RandomOps ops(42);
    std::set<std::string> touched;
    int snapshots = 0;
    disk.on_write = [&] {
        snapshots++;
        tfs::Error e;
        Model got = remount(disk.data, &e);
        ASSERT_EQ(e, tfs::Error::none) << "crash image " << snapshots << " does not mount";
        expect_durable(durable, touched, got, "snapshot " + std::to_string(snapshots));
    };
    for (int i = 0; i < 60; i++) {
        touched.clear();
        ops.step(fs, model, touched, node);
        ASSERT_FALSE(::testing::Test::HasFatalFailure()) << "op " << i;
        // A copy taken before flush() holds at least everything flushed earlier.
        expect_durable(durable, touched, remount(disk.data), "before flush " + std::to_string(i));
        ASSERT_EQ(fs.flush(), tfs::Error::none);
        durable = model;
        touched.clear();
        ASSERT_EQ(describe_difference(model, remount(disk.data)), "") << "op " << i;
    }
    EXPECT_GT(snapshots, 60);
}

// Crash points while the log links new extensions (and splits records across them).
TEST(MutableTfs, CrashWhileLinkingExtensionsStillMounts) {
    Image image = make_image(16ull << 20);
    CrashDisk disk(image.bytes);
    MallocAllocator allocator;
    tfs::MutableFilesystem fs(allocator);
    tfs::MountOptions options;
    options.fs_bytes = disk.data.size();
    ASSERT_EQ(fs.mount(disk, disk, options), tfs::Error::none);
    size_t durable_files = 0, snapshots = 0;
    disk.on_write = [&] {
        snapshots++;
        tfs::Error e;
        Model got = remount(disk.data, &e);
        ASSERT_EQ(e, tfs::Error::none) << "crash image " << snapshots << " does not mount";
        size_t files = 0;
        for (auto& [path, node] : got)
            files += path.rfind("/x", 0) == 0;
        ASSERT_GE(files, durable_files);
    };
    for (size_t i = 0; i < 5500; i++) {
        std::string name = "x" + std::to_string(i) + std::string(200, 'n');
        ASSERT_EQ(fs.create_file(fs.root(), bytes(name), 0, nullptr), tfs::Error::none);
        if (i % 97 == 96) {
            ASSERT_EQ(fs.flush(), tfs::Error::none);
            ASSERT_FALSE(::testing::Test::HasFatalFailure());
            durable_files = i + 1;
        }
    }
    EXPECT_GE(fs.extensions_added(), 2u);
}

TEST(MutableTfs, RandomSequencesMatchModel) {
    for (uint32_t seed = 1; seed <= 4; seed++) {
        Image image = make_image(16ull << 20);
        Mounted m(image.bytes);
        Model model = image.model;
        RandomOps ops(seed);
        std::set<std::string> touched;
        for (int i = 0; i < 250; i++) {
            ops.step(*m.fs, model, touched, [&](const std::string& p) { return m.node(p); });
            ASSERT_FALSE(::testing::Test::HasFatalFailure()) << "seed " << seed << " op " << i;
            if (i % 50 == 49) {
                ASSERT_EQ(m.fs->flush(), tfs::Error::none);
                ASSERT_EQ(describe_difference(model, remount(m.disk.data)), "")
                    << "seed " << seed << " op " << i;
                m.mount(); // continue with a fresh writable mount of the same bytes
                ASSERT_EQ(describe_difference(model, tree_of(m.fs->filesystem())), "");
            }
        }
        // Freed space went back: the free map after remount matches the live one.
        ASSERT_EQ(m.fs->flush(), tfs::Error::none);
        uint64_t live = m.fs->free_sectors();
        m.mount();
        EXPECT_LE(live, m.fs->free_sectors());
    }
}

// The spec's vectors (bare TFS) mounted writable, changed, and read back after a reboot.
TEST(MutableTfs, VectorsCanBeModified) {
    for (std::string name : {"a-minimal", "b-tree", "c-volume", "e-largelog"}) {
        SCOPED_TRACE(name);
        std::vector<uint8_t> bytes = vector_image(name);
        Model model = remount(bytes);
        ASSERT_FALSE(model.empty());
        Mounted m(bytes);
        ASSERT_EQ(m.mkdir("/added"), tfs::Error::none);
        ASSERT_EQ(m.create("/added/file"), tfs::Error::none);
        std::string data = pattern(100000, 5);
        ASSERT_EQ(m.write("/added/file", 0, data), tfs::Error::none);
        model["/added"] = {ModelNode::directory, "", ""};
        model["/added/file"] = {ModelNode::file, data, ""};
        // Change the first existing file: append to it, then rename it.
        for (auto& [path, node] : Model(model)) {
            if (node.type != ModelNode::file || path.rfind("/added", 0) == 0)
                continue;
            ASSERT_EQ(m.write(path, node.content.size(), "+appended"), tfs::Error::none);
            model[path].content += "+appended";
            ASSERT_EQ(m.rename(path, "/added/renamed"), tfs::Error::none);
            model["/added/renamed"] = model[path];
            model.erase(path);
            break;
        }
        ASSERT_EQ(m.fs->flush(), tfs::Error::none);
        EXPECT_EQ(describe_difference(model, remount(m.disk.data)), "");
    }
}

// Vector d is partitioned: its root FS starts at LBA 24679 and runs to the end of the disk (1.7).
TEST(MutableTfs, PartitionedVectorRootCanBeModified) {
    constexpr uint64_t kRootOffset = 24679ull * 512;
    MallocAllocator allocator;
    MemoryDisk disk(vector_image("d-disk"));
    tfs::OffsetSource source(disk, kRootOffset);
    tfs::OffsetSink sink(disk, kRootOffset);
    std::vector<uint8_t> before(disk.data.begin(), disk.data.begin() + kRootOffset);
    {
        tfs::MutableFilesystem fs(allocator);
        tfs::MountOptions options;
        options.fs_bytes = disk.data.size() - kRootOffset;
        ASSERT_EQ(fs.mount(source, sink, options), tfs::Error::none);
        const tfs::Value* file = nullptr;
        ASSERT_EQ(fs.create_file(fs.root(), bytes("written"), 1, &file), tfs::Error::none);
        size_t done = 0;
        ASSERT_EQ(fs.write(file, 0, bytes("on the root partition"), &done), tfs::Error::none);
        ASSERT_EQ(fs.flush(), tfs::Error::none);
    }
    // Nothing before the root partition (MBR, boot FS) was touched.
    EXPECT_TRUE(std::equal(before.begin(), before.end(), disk.data.begin()));
    std::vector<uint8_t> root(disk.data.begin() + kRootOffset, disk.data.end());
    Model model = remount(root);
    EXPECT_EQ(model["/written"].content, "on the root partition");
}

TEST(MutableTfs, FreeMapAllocatesFirstFitAndMerges) {
    MallocAllocator allocator;
    tfs::FreeMap map(allocator);
    tfs::RunList used(allocator);
    ASSERT_EQ(used.append({10, 5}), tfs::Error::none);
    ASSERT_EQ(used.append({0, 1}), tfs::Error::none);
    ASSERT_EQ(used.append({12, 10}), tfs::Error::none); // overlaps the first
    ASSERT_EQ(map.build(0, 100, used), tfs::Error::none);
    EXPECT_EQ(map.free_sectors(), 100u - 1 - 12);
    uint64_t start = 0;
    ASSERT_TRUE(map.allocate(5, &start));
    EXPECT_EQ(start, 1u);
    ASSERT_TRUE(map.allocate(10, &start));
    EXPECT_EQ(start, 22u);
    EXPECT_EQ(map.allocate_at(32, 100), 68u);
    EXPECT_FALSE(map.allocate(5, &start));
    EXPECT_EQ(map.allocate_some(10, &start), 4u);
    EXPECT_EQ(start, 6u);
    EXPECT_EQ(map.free_sectors(), 0u);
    ASSERT_EQ(map.release({6, 4}), tfs::Error::none);
    ASSERT_EQ(map.release({1, 5}), tfs::Error::none);
    EXPECT_EQ(map.run_count(), 1u);
    EXPECT_EQ(map.release({3, 1}), tfs::Error::corrupt); // double free
    EXPECT_TRUE(map.is_free({1, 9}));
}

// fallocate: holes become uninited extents that read as zeros, grow the size unless kept, take
// disk space, and a later write into them keeps the zeros around it.
TEST(MutableTfs, AllocateReservesZeroExtents) {
    Image image = make_image(kSmallFs);
    Mounted m(image.bytes);
    Model model = image.model;
    ASSERT_EQ(m.create("/falloc"), tfs::Error::none);
    ASSERT_EQ(m.write("/falloc", 0, "head"), tfs::Error::none);
    uint64_t free_before = m.fs->free_sectors();
    ASSERT_EQ(m.fs->allocate(m.node("/falloc"), 1000, 100000, tfs::SizeChange::grow),
              tfs::Error::none);
    uint64_t length = 0;
    ASSERT_EQ(tfs::file_length(m.node("/falloc"), &length), tfs::Error::none);
    EXPECT_EQ(length, 101000u);
    EXPECT_LT(m.fs->free_sectors(), free_before - 100000 / 512);
    EXPECT_GE(tfs::allocated_bytes(m.node("/falloc")), 101000u);
    std::string content = "head" + std::string(101000 - 4, '\0');
    ASSERT_EQ(m.write("/falloc", 50000, "middle"), tfs::Error::none);
    model_write(content, 50000, "middle");
    // KEEP_SIZE past the end: the size stays, the blocks are taken.
    uint64_t free_mid = m.fs->free_sectors();
    ASSERT_EQ(m.fs->allocate(m.node("/falloc"), 101000, 8192, tfs::SizeChange::keep),
              tfs::Error::none);
    ASSERT_EQ(tfs::file_length(m.node("/falloc"), &length), tfs::Error::none);
    EXPECT_EQ(length, 101000u);
    EXPECT_LT(m.fs->free_sectors(), free_mid);
    EXPECT_EQ(m.fs->allocate(m.node("/falloc"), 0, 0, tfs::SizeChange::grow),
              tfs::Error::invalid_argument);
    EXPECT_EQ(m.fs->allocate(m.node("/dir"), 0, 10, tfs::SizeChange::grow), tfs::Error::not_a_file);
    model["/falloc"] = {ModelNode::file, content, ""};
    ASSERT_EQ(m.fs->flush(), tfs::Error::none);
    EXPECT_EQ(describe_difference(model, remount(m.disk.data)), "");
    // Too much for the disk: no_space.
    EXPECT_EQ(m.fs->allocate(m.node("/falloc"), 0, kSmallFs * 2, tfs::SizeChange::keep),
              tfs::Error::no_space);
}

// An unlinked file that stays open keeps its data until release_orphan, and a remount frees it.
TEST(MutableTfs, OrphansKeepDataUntilReleased) {
    Image image = make_image(kSmallFs);
    Mounted m(image.bytes);
    Model model = image.model;
    ASSERT_EQ(m.create("/open"), tfs::Error::none);
    std::string data = pattern(200 * 1024, 3);
    ASSERT_EQ(m.write("/open", 0, data), tfs::Error::none);
    const tfs::Value* node = m.node("/open");
    uint64_t free_with_file = m.fs->free_sectors();
    ASSERT_EQ(m.fs->remove(m.node(""), bytes("open"), tfs::LastName::keep), tfs::Error::none);
    ASSERT_EQ(m.fs->flush(), tfs::Error::none);
    EXPECT_EQ(m.fs->free_sectors(), free_with_file);
    // The orphan still reads and writes.
    size_t done = 0;
    ASSERT_EQ(m.fs->write(node, 10, bytes("orphan"), &done), tfs::Error::none);
    std::string got(16, '\0');
    ASSERT_EQ(m.fs->filesystem().read_file(
                  node, 4, common::MutableBytes(reinterpret_cast<uint8_t*>(got.data()), 16), &done),
              tfs::Error::none);
    EXPECT_EQ(got.substr(6, 6), "orphan");
    EXPECT_EQ(describe_difference(model, remount(m.disk.data)), "");
    // A replaced file can be kept the same way; adopt names an orphan again.
    ASSERT_EQ(m.create("/a"), tfs::Error::none);
    ASSERT_EQ(m.create("/b"), tfs::Error::none);
    ASSERT_EQ(m.write("/b", 0, "bee"), tfs::Error::none);
    const tfs::Value* b = m.node("/b");
    ASSERT_EQ(m.fs->rename(m.node(""), bytes("a"), m.node(""), bytes("b"), tfs::LastName::keep),
              tfs::Error::none);
    ASSERT_EQ(m.fs->adopt(m.node("/dir"), bytes("back"), b), tfs::Error::none);
    EXPECT_EQ(m.fs->adopt(m.node("/dir"), bytes("back"), b), tfs::Error::exists);
    EXPECT_EQ(tfs::link_count(b), 1u);
    model["/b"] = {ModelNode::file, "", ""};
    model["/dir/back"] = {ModelNode::file, "bee", ""};
    ASSERT_EQ(m.fs->release_orphan(node), tfs::Error::none);
    ASSERT_EQ(m.fs->flush(), tfs::Error::none);
    EXPECT_GT(m.fs->free_sectors(), free_with_file);
    EXPECT_EQ(describe_difference(model, remount(m.disk.data)), "");
    m.mount();
    EXPECT_EQ(describe_difference(model, tree_of(m.fs->filesystem())), "");
}

} // namespace
