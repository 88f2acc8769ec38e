// tar_extract.h: unpacking a package archive (.tar.gz: gzip around ustar, GNU or pax tar) into a
// directory, treating the archive as hostile: no entry may land outside the directory, nothing
// is ever written through a symlink, and every size is bounded. Where the result goes is
// add.cpp's business.
#pragma once

#include <cstdint>
#include <filesystem>

namespace ops {

// Bounds on untrusted archives (STYLE 11). Real packages hold a few thousand files and a few
// hundred MiB; these leave a wide margin while keeping a hostile archive from filling the disk.
inline constexpr std::uint64_t kMaxArchiveEntries = 1'000'000;
inline constexpr std::uint64_t kMaxExtractedBytes = 16ull << 30; // 16 GiB
inline constexpr std::size_t kMaxEntryPathBytes = 4096;          // PATH_MAX
inline constexpr std::size_t kMaxPaxHeaderBytes = 1 << 20;       // pax/GNU long-name records

// Extracts `archive` into `destination`, an existing empty directory. Regular files,
// directories and symlinks are created (symlink targets are kept as they are: they are resolved
// by the guest, never followed here); hard links become copies of a file extracted before them;
// device nodes and FIFOs are skipped (a TFS cannot hold them). Throws ops::Error with one line
// naming the archive and the problem: not gzip, corrupt or truncated data, a bad header
// checksum, an absolute path or ".." in an entry, an entry through a symlink, a limit exceeded.
// On error the destination is left partly filled; the caller removes it. Blocks on file I/O.
void extract_tar_gz(const std::filesystem::path& archive, const std::filesystem::path& destination);

} // namespace ops
