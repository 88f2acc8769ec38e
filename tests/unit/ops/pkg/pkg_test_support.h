// pkg_test_support.h: helpers for the ops/pkg tests: a tiny tar writer (so hostile archives can
// be made byte by byte), gzip files, and package directories.
#pragma once

#include "ops/base/error.h"
#include "tests/unit/ops/image/image_test_support.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
#include <zlib.h>

namespace pkg_test {

using image_test::read_text;
using image_test::ScratchDirectory;
using image_test::write_text;
namespace fs = std::filesystem;

// Builds a ustar archive in memory.
class TarWriter {
  public:
    void file(const std::string& name, const std::string& content, unsigned mode = 0644) {
        header(name, '0', content.size(), "", mode);
        data(content);
    }
    void directory(const std::string& name) { header(name, '5', 0, "", 0755); }
    void symlink(const std::string& name, const std::string& target) {
        header(name, '2', 0, target, 0777);
    }
    void hard_link(const std::string& name, const std::string& target) {
        header(name, '1', 0, target, 0644);
    }
    // A pax header giving the next entry a long path.
    void pax_path(const std::string& path) {
        std::string record = " path=" + path + "\n";
        std::size_t length = record.size() + 1;
        while (std::to_string(length).size() + record.size() != length)
            ++length;
        std::string data_text = std::to_string(length) + record;
        header("PaxHeaders/x", 'x', data_text.size(), "", 0644);
        data(data_text);
    }
    // Flips a byte of the last header, so its checksum no longer matches.
    void corrupt_last_header() { m_bytes[m_last_header + 10] ^= 0x5a; }

    std::string bytes(bool end_blocks = true) const {
        std::string result = m_bytes;
        if (end_blocks)
            result.append(1024, '\0');
        return result;
    }

  private:
    void header(const std::string& name, char type, std::size_t size, const std::string& link,
                unsigned mode) {
        char block[512] = {};
        std::snprintf(block, 100, "%s", name.c_str());
        std::snprintf(block + 100, 8, "%07o", mode);
        std::snprintf(block + 108, 8, "%07o", 0);
        std::snprintf(block + 116, 8, "%07o", 0);
        std::snprintf(block + 124, 12, "%011zo", size);
        std::snprintf(block + 136, 12, "%011o", 0);
        block[156] = type;
        std::snprintf(block + 157, 100, "%s", link.c_str());
        std::memcpy(block + 257, "ustar", 6);
        std::memcpy(block + 263, "00", 2);
        std::memset(block + 148, ' ', 8);
        unsigned sum = 0;
        for (unsigned char c : block)
            sum += c;
        std::snprintf(block + 148, 8, "%06o", sum);
        m_last_header = m_bytes.size();
        m_bytes.append(block, sizeof block);
    }
    void data(const std::string& content) {
        m_bytes += content;
        m_bytes.append((512 - content.size() % 512) % 512, '\0');
    }

    std::string m_bytes;
    std::size_t m_last_header = 0;
};

inline void write_gzip(const fs::path& path, const std::string& bytes) {
    gzFile file = gzopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    if (!bytes.empty()) {
        EXPECT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())),
                  static_cast<int>(bytes.size()));
    }
    gzclose(file);
}

// Every name below `directory` (relative, sorted), for "nothing was left behind" checks.
inline std::vector<std::string> tree(const fs::path& directory) {
    std::vector<std::string> names;
    std::error_code error;
    if (!fs::exists(directory, error))
        return names;
    for (auto it = fs::recursive_directory_iterator(directory);
         it != fs::recursive_directory_iterator(); ++it)
        names.push_back(fs::relative(it->path(), directory).string());
    std::sort(names.begin(), names.end());
    return names;
}

// The error line ops would print for `action`, or "" when it did not throw ops::Error.
template <typename Action>
std::string error_of(Action action) {
    try {
        action();
    } catch (const ops::Error& e) {
        return e.message();
    }
    return "";
}

} // namespace pkg_test
