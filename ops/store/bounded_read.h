// bounded_read.h: reading a small state file (an instance record, an exit channel) with a size
// cap, because the guest or another process may have written anything into it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace ops {

// Reads at most `limit` bytes of `path` (symlinks are not followed). Returns nullopt when the
// file cannot be opened; `open_errno` (if given) then holds the reason.
std::optional<std::string> read_bounded(const std::filesystem::path& path, std::size_t limit,
                                        int* open_errno = nullptr);

} // namespace ops
