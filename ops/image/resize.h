// resize.h: growing an image or volume file so its root file system has more room. The root FS
// runs to the end of the file (tfs.md 1.3), so growing the file grows it; the MBR's root entry is
// updated to match for tools that read the count. Shrinking is refused: it would cut off data.
#pragma once

#include <cstdint>
#include <filesystem>

namespace ops {

struct ResizeResult {
    std::uint64_t old_bytes = 0;
    std::uint64_t new_bytes = 0;       // the requested size rounded up to whole sectors
    std::uint64_t root_fs_bytes = 0;   // the root FS size after the resize
};

// Checks that `file` holds a TFS (partitioned image or bare volume), then extends it sparsely to
// `new_bytes` (rounded up to 512) and rewrites the root partition entry's sector count. Throws
// ops::Error, leaving the file as it was, when the size is smaller than the file, too large for
// the MBR (2 TiB), or the file is not a TFS image. A size equal to the current one changes
// nothing. Blocks on file I/O.
ResizeResult resize_image(const std::filesystem::path& file, std::uint64_t new_bytes);

} // namespace ops
