// volume_store.h: TFS data volumes under ~/.ops/volumes, stored as "<name>:<uuid>.raw" like the
// established ops (ops-cli.md 3.1): creating one (a bare TFS, label = name, random UUID, sparse),
// listing, finding and deleting them. Reading one is ops/image/image_reader.h.
#pragma once

#include "ops/image/write_image.h"
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
    std::string uuid; // 8-4-4-4-12 lowercase hex, from the file name
    std::filesystem::path path;
    std::uint64_t size_bytes = 0;
    std::chrono::system_clock::time_point modified;
};

// Free room a volume gets when no size is given: the same as an image's root filesystem
// (kDefaultWritableRoomBytes). The established tool made 1 MB volumes, too small for any data.
inline constexpr std::uint64_t kDefaultVolumeRoomBytes = kDefaultWritableRoomBytes;

struct VolumeCreateRequest {
    std::string name; // also the TFS label: 1..31 of [A-Za-z0-9._-]
    // Unset: the content plus the 1 MiB the kernel keeps for its log (tfs.md 6.8), rounded to
    // 512 KiB, plus kDefaultVolumeRoomBytes of room for data. The file is sparse: the room costs
    // no host disk until the guest writes it.
    std::optional<std::uint64_t> size_bytes;
    std::filesystem::path data_directory; // -d: its entries are copied to the volume root
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
