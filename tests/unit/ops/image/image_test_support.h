// image_test_support.h: helpers for the ops/image tests: a scratch directory, static test
// programs compiled with gcc, and an image reader (MBR + both TFS mounted from the file).
#pragma once

#include "common/disk/mbr.h"
#include "common/tfs/filesystem.h"
#include "ops/image/host_allocator.h"
#include "tests/unit/common/tfs/tfs_test_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace image_test {

namespace fs = std::filesystem;

// A fresh directory under the test temp dir, removed at the end of the test.
class ScratchDirectory {
public:
    ScratchDirectory() {
        static std::atomic<int> counter{0};
        m_path = fs::path(testing::TempDir()) /
                 ("ops_image_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::remove_all(m_path);
        fs::create_directories(m_path);
    }
    ~ScratchDirectory() {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    const fs::path& path() const { return m_path; }
    fs::path operator/(const std::string& name) const { return m_path / name; }

private:
    fs::path m_path;
};

inline void write_text(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// Compiles `source` (C) with gcc into `output`; `flags` e.g. "-static". Returns false when gcc or
// a static libc is missing, so the caller can skip.
inline bool compile_c(const fs::path& output, const std::string& source, const std::string& flags) {
    fs::path c_file = output.string() + ".c";
    write_text(c_file, source);
    std::string command = "gcc " + flags + " -O1 -o '" + output.string() + "' '" + c_file.string() +
                          "' >/dev/null 2>&1";
    return std::system(command.c_str()) == 0;
}

inline const char* kHelloSource =
    "#include <stdio.h>\nint main(int argc, char** argv) { printf(\"hello %d\\n\", argc); "
    "return 0; }\n";

// Names of the files in `directory` (to check no temporaries are left).
inline std::vector<std::string> list_directory(const fs::path& directory) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(directory))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// An image file as the kernel sees it: sector 0, then the root FS and boot FS mounted read-only.
class ImageReader {
public:
    explicit ImageReader(const fs::path& image)
        : m_disk(image), m_root(m_allocator), m_boot(m_allocator) {
        std::uint8_t sector0[512];
        EXPECT_TRUE(m_disk.read(0, common::MutableBytes(sector0, sizeof sector0)));
        EXPECT_EQ(disk::parse_boot_disk(common::Bytes(sector0, sizeof sector0), m_disk.size(),
                                        &m_boot_disk),
                  disk::Error::none);
        m_root_source = std::make_unique<tfs::OffsetSource>(m_disk, m_boot_disk.root_fs_offset);
        m_boot_source =
            std::make_unique<tfs::OffsetSource>(m_disk, m_boot_disk.boot_fs.byte_offset());
        tfs::MountOptions root_options;
        root_options.fs_bytes = m_boot_disk.root_fs_bytes;
        EXPECT_EQ(m_root.mount(*m_root_source, root_options), tfs::Error::none);
        tfs::MountOptions boot_options;
        boot_options.fs_bytes = m_boot_disk.boot_fs.byte_size();
        EXPECT_EQ(m_boot.mount(*m_boot_source, boot_options), tfs::Error::none);
    }

    const disk::BootDisk& boot_disk() const { return m_boot_disk; }
    const tfs::Filesystem& root_fs() const { return m_root; }
    const tfs::Filesystem& boot_fs() const { return m_boot; }
    const tfs::Value* manifest() const { return m_root.root(); }
    nlohmann::json manifest_json() const { return tfs_test::to_json(m_root.root()); }

    // A node, or nullptr.
    static const tfs::Value* find(const tfs::Filesystem& fs, const std::string& path) {
        tfs::Lookup lookup;
        if (fs.resolve(path.c_str(), &lookup) != tfs::Error::none)
            return nullptr;
        return lookup.node;
    }
    // A regular file's bytes; fails the test when it is missing.
    static std::string file(const tfs::Filesystem& fs, const std::string& path) {
        const tfs::Value* node = find(fs, path);
        EXPECT_NE(node, nullptr) << path;
        if (!node)
            return {};
        EXPECT_EQ(tfs::node_type(node), tfs::NodeType::file) << path;
        std::uint64_t length = 0;
        EXPECT_EQ(tfs::file_length(node, &length), tfs::Error::none);
        std::string out(length, '\0');
        std::size_t done = 0;
        EXPECT_EQ(
            fs.read_file(node, 0,
                         common::MutableBytes(reinterpret_cast<std::uint8_t*>(out.data()), length),
                         &done),
            tfs::Error::none);
        EXPECT_EQ(done, length);
        return out;
    }
    static std::string link_target(const tfs::Filesystem& fs, const std::string& path) {
        const tfs::Value* node = find(fs, path);
        common::Bytes target;
        if (!node || !tfs::symlink_target(node, &target))
            return "<not a symlink>";
        return tfs_test::str(target);
    }

private:
    class FileDisk final : public tfs::BlockSource {
      public:
        explicit FileDisk(const fs::path& path) {
            m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
            EXPECT_GE(m_fd, 0) << path;
            m_size = m_fd < 0 ? 0 : static_cast<std::uint64_t>(::lseek(m_fd, 0, SEEK_END));
        }
        ~FileDisk() {
            if (m_fd >= 0)
                ::close(m_fd);
        }
        std::uint64_t size() const { return m_size; }
        bool read(std::uint64_t offset, common::MutableBytes out) override {
            if (offset > m_size || out.size() > m_size - offset)
                return false;
            return ::pread(m_fd, out.data(), out.size(), static_cast<off_t>(offset)) ==
                   static_cast<ssize_t>(out.size());
        }

      private:
        int m_fd = -1;
        std::uint64_t m_size = 0;
    };

    ops::HostAllocator m_allocator;
    FileDisk m_disk;
    disk::BootDisk m_boot_disk;
    std::unique_ptr<tfs::OffsetSource> m_root_source;
    std::unique_ptr<tfs::OffsetSource> m_boot_source;
    tfs::Filesystem m_root;
    tfs::Filesystem m_boot;
};

} // namespace image_test
