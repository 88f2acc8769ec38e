// image_store.cpp: listing, finding and deleting images in ~/.ops/images.
#include "ops/image/image_store.h"

#include "ops/base/error.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace ops {

namespace {
// What AtomicFileWriter names its temporaries: never an image of its own.
bool is_temporary(const std::string& name) {
    return name.find(".tmp-") != std::string::npos;
}

std::vector<std::string> image_names(const StorePaths& store) {
    std::vector<std::string> names;
    for (const ImageInfo& image : list_images(store))
        names.push_back(image.name);
    return names;
}

// A plain name: what `-i` produces; anything with a '/' is a path.
bool is_plain_name(const std::string& name) {
    return !name.empty() && name.find('/') == std::string::npos && name != "." && name != "..";
}
} // namespace

std::vector<ImageInfo> list_images(const StorePaths& store) {
    std::vector<ImageInfo> images;
    std::error_code error;
    if (!std::filesystem::exists(store.images(), error))
        return images;
    std::filesystem::directory_iterator it(store.images(), error);
    if (error)
        throw Error("cannot read " + store.images().string() + ": " + error.message(),
                    "check its permissions");
    for (const auto& entry : it) {
        std::string name = entry.path().filename().string();
        std::error_code entry_error;
        if (is_temporary(name) || !entry.is_regular_file(entry_error))
            continue;
        ImageInfo info;
        info.name = name;
        info.path = entry.path();
        info.size_bytes = entry.file_size(entry_error);
        auto written = entry.last_write_time(entry_error);
        info.modified = system_time(written);
        images.push_back(std::move(info));
    }
    std::sort(images.begin(), images.end(),
              [](const ImageInfo& a, const ImageInfo& b) { return a.name < b.name; });
    return images;
}

std::string name_list(const std::vector<std::string>& names) {
    if (names.empty())
        return "none";
    std::string text;
    for (const std::string& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

std::filesystem::path find_image(const StorePaths& store, const std::string& name_or_path) {
    std::error_code error;
    if (is_plain_name(name_or_path) &&
        std::filesystem::is_regular_file(store.image(name_or_path), error))
        return store.image(name_or_path);
    if (std::filesystem::exists(name_or_path, error) &&
        !std::filesystem::is_directory(name_or_path, error))
        return name_or_path;
    throw Error("no image named \"" + name_or_path + "\" in " + store.images().string() +
                    " (images: " + name_list(image_names(store)) + ")",
                "give one of those names or the path of an image file; 'ops image list' "
                "shows them");
}

void check_stored_images(const StorePaths& store, const std::vector<std::string>& names) {
    for (const std::string& name : names) {
        std::error_code error;
        if (!is_plain_name(name) || is_temporary(name) ||
            !std::filesystem::is_regular_file(store.image(name), error))
            throw Error("no image named \"" + name + "\" in " + store.images().string() +
                            " (images: " + name_list(image_names(store)) + ")",
                        "nothing was deleted; give names that 'ops image list' shows");
    }
}

std::vector<std::filesystem::path> delete_images(const StorePaths& store,
                                                 const std::vector<std::string>& names) {
    check_stored_images(store, names);
    std::vector<std::filesystem::path> paths;
    for (const std::string& name : names) {
        if (std::find(paths.begin(), paths.end(), store.image(name)) == paths.end())
            paths.push_back(store.image(name));
    }
    for (const auto& path : paths) {
        std::error_code error;
        if (!std::filesystem::remove(path, error) && error)
            throw Error("cannot delete " + path.string() + ": " + error.message(),
                        "check the permissions of " + store.images().string());
    }
    return paths;
}

std::string human_size(std::uint64_t bytes) {
    char text[32];
    if (bytes < 1024)
        std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
    else if (bytes < (1ull << 20))
        std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
    else if (bytes < (1ull << 30))
        std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    else
        std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1ull << 30));
    return text;
}

std::string utc_timestamp(std::chrono::system_clock::time_point time) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm parts{};
    ::gmtime_r(&seconds, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

std::chrono::system_clock::time_point system_time(std::filesystem::file_time_type time) {
    return std::chrono::time_point_cast<std::chrono::system_clock::duration>(
        std::chrono::file_clock::to_sys(time));
}

std::string local_time(std::chrono::system_clock::time_point time) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm parts{};
    ::localtime_r(&seconds, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &parts);
    return text;
}

} // namespace ops
