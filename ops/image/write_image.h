// write_image.h: the part of build_image that produces bytes: the two TFS file systems, the disk
// layout (tfs.md 1.1, ops style: no stage2) and the atomic, sparse image file.
#pragma once

#include "ops/image/build.h"

#include <cstdint>

namespace ops {

// Writes request.output atomically: a temporary file in the same directory, renamed over the
// target only when complete; on any error the temporary is removed and an existing image is left
// untouched. Preconditions (checked by build_image): the program is a readable static x86-64 ELF
// and the kernel exists. Blocks on file I/O. Throws ops::Error.
//
// Layout, from compute_layout(0, ...): sector 0 = MBR (partition table + 55 aa, no boot code),
// 4 KiB klog at byte 512, the 12 MiB boot FS (/kernel) at byte 4608 (LBA 9), the root FS at byte
// 12587520 (LBA 24585) up to the end of the file. The file is sparse: zero blocks are never
// written.
BuildResult write_image(const BuildRequest& request, const ImageOptions& options = {});

// The length of the image file for a root FS whose content needs `root_bytes_used` bytes
// starting at `root_fs_offset`. With BaseVolumeSz: exactly that (rounded up to a whole sector),
// or an ops::Error naming both sizes when the content does not fit. Without: the 1 MiB the kernel
// needs before it can allocate (tfs.md 6.8), rounded to 512 KiB like Nanos mkfs images (tfs.md
// 7.4, tfs::padded_fs_size()), plus kDefaultWritableRoomBytes for the program's own files. The
// file is sparse, so the room costs no disk space until it is written.
inline constexpr std::uint64_t kDefaultWritableRoomBytes = 64ull << 20; // 64 MiB

std::uint64_t image_file_size(const Config& config, std::uint64_t root_fs_offset,
                              std::uint64_t root_bytes_used);

} // namespace ops
