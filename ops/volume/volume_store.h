// volume_store.h: TFS data volumes under ~/.ops/volumes, stored as "<name>:<uuid>.raw" like the
// established ops (ops-cli.md 3.1): creating one (a bare TFS, label = name, random UUID, sparse),
// listing, finding and deleting them. Reading one is ops/image/image_reader.h.
#pragma once

#include "ops/store/paths.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ops {

struct VolumeInfo {
    std::string name;
    std::string uuid;  // 8-4-4-4-12 lowercase hex, from the file name
    std::filesystem::path path;
    std::uint64_t size_bytes = 0;
    std::chrono::system_clock::time_point modified;
};

struct VolumeCreateRequest {
    std::string name;                        // also the TFS label: 1..31 of [A-Za-z0-9._-]
    std::optional<std::uint64_t> size_bytes; // unset: the content plus 1 MiB free (padded)
    std::filesystem::path data_directory;    // -d: its entries are copied to the volume root
    // For reproducible tests; unset: read from /dev/urandom.
    std::optional<std::array<std::uint8_t, 16>> uuid;
};

std::filesystem::path volumes_directory(const StorePaths& store);

// Writes volumes/<name>:<uuid>.raw atomically and sparsely. Throws ops::Error, writing nothing,
// when the name is invalid or already taken, the directory cannot be read, or the size is too
// small for the content. Blocks on file I/O.
VolumeInfo create_volume(const StorePaths& store, const VolumeCreateRequest& request);

// Every "<name>:<uuid>.raw" in volumes/, sorted by name. An absent directory is an empty list.
std::vector<VolumeInfo> list_volumes(const StorePaths& store);

// The volume a command argument names: a volume name, a UUID, or the path of a volume file.
// Throws ops::Error listing the volumes there are.
VolumeInfo find_volume(const StorePaths& store, const std::string& name_uuid_or_path);

// Deletes the volume with that name or UUID (not a path: only volumes in the store). Throws
// ops::Error listing the volumes there are when none matches. Returns what was deleted.
VolumeInfo delete_volume(const StorePaths& store, const std::string& name_or_uuid);

// Throws ops::Error when `name` cannot be a volume name (and TFS label).
void check_volume_name(const std::string& name);

} // namespace ops
