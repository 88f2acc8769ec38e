// reader_test_support.h: the TFS test vectors (shared/specs/vectors) written out as host files,
// for the image and volume reader tests.
#pragma once

#include "tests/unit/ops/image/image_test_support.h"

#include <filesystem>
#include <fstream>
#include <string>

namespace image_test {

// Decompresses vector `name` (e.g. "b-tree") into `directory`/<file>; returns the path.
inline std::filesystem::path write_vector(const std::filesystem::path& directory,
                                          const std::string& name,
                                          const std::string& file = "") {
    const auto& bytes = tfs_test::vector_image(name);
    std::filesystem::path path = directory / (file.empty() ? name + ".img" : file);
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return path;
}

} // namespace image_test
