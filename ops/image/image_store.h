// image_store.h: the images under ~/.ops/images (ops-cli.md 3.1): listing them, finding the one a
// command argument names, deleting them. Building is build.h; reading one is image_reader.h.
#pragma once

#include "ops/store/paths.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ops {

struct ImageInfo {
    std::string name;
    std::filesystem::path path;
    std::uint64_t size_bytes = 0;  // the file length (the image is sparse; disk use is less)
    std::chrono::system_clock::time_point modified;
};

// Every regular file in images/, sorted by name; temporaries of unfinished builds
// ("<name>.tmp-XXXXXX") are left out. An absent directory is an empty list. Throws ops::Error
// when the directory cannot be read.
std::vector<ImageInfo> list_images(const StorePaths& store);

// The image file an argument names: an image in the store by that name, else an existing file at
// that path. Throws ops::Error listing the images there are when it is neither.
std::filesystem::path find_image(const StorePaths& store, const std::string& name_or_path);

// Throws ops::Error listing the images there are when a name is not an image in the store
// (paths are not accepted: only stored images can be deleted).
void check_stored_images(const StorePaths& store, const std::vector<std::string>& names);

// Deletes the named images from the store. Every name is checked first: when one is unknown
// nothing is deleted and the ops::Error lists the images there are. Returns the deleted paths.
std::vector<std::filesystem::path> delete_images(const StorePaths& store,
                                                 const std::vector<std::string>& names);

// "a, b, c", or "none" for an empty list: for error messages that list what exists.
std::string name_list(const std::vector<std::string>& names);

// "12.3 MiB" style sizes for tables.
std::string human_size(std::uint64_t bytes);
// "2026-05-02T14:03:11Z" (UTC, RFC 3339) for JSON; "2026-05-02 14:03" (local) for tables.
std::string utc_timestamp(std::chrono::system_clock::time_point time);
std::string local_time(std::chrono::system_clock::time_point time);
// A file's modification time as a system clock time.
std::chrono::system_clock::time_point system_time(std::filesystem::file_time_type time);

} // namespace ops
