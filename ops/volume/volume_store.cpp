// volume_store.cpp: creating, listing, finding and deleting volumes in ~/.ops/volumes.
#include "ops/volume/volume_store.h"

#include "common/tfs/format.h"
#include "ops/base/error.h"
#include "ops/image/file_io.h"
#include "ops/image/host_allocator.h"
#include "ops/image/image_store.h"
#include "ops/image/image_tree.h"
#include "ops/store/atomic_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace ops {

namespace {

constexpr const char* kVolumeSuffix = ".raw";
constexpr std::size_t kUuidTextBytes = 36;
// Above this a typo ("-s 10000g") would fill the host disk the first time the volume is written.
constexpr std::uint64_t kMaxVolumeBytes = 16ull << 40;

using Uuid = std::array<std::uint8_t, tfs::kUuidBytes>;

std::string uuid_text(const Uuid& uuid) {
    static const char* kHex = "0123456789abcdef";
    std::string text;
    for (std::size_t i = 0; i < uuid.size(); i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            text.push_back('-');
        text.push_back(kHex[uuid[i] >> 4]);
        text.push_back(kHex[uuid[i] & 15]);
    }
    return text;
}

Uuid random_uuid() {
    Uuid uuid{};
    int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : ::read(fd, uuid.data(), uuid.size());
    if (fd >= 0)
        ::close(fd);
    if (n != static_cast<ssize_t>(uuid.size()))
        throw Error("cannot read /dev/urandom for a volume UUID", "check /dev/urandom");
    // RFC 4122 version 4, variant 1, as the established ops's uuid.New() produces.
    uuid[6] = static_cast<std::uint8_t>((uuid[6] & 0x0f) | 0x40);
    uuid[8] = static_cast<std::uint8_t>((uuid[8] & 0x3f) | 0x80);
    return uuid;
}

bool is_uuid_text(const std::string& text) {
    if (text.size() != kUuidTextBytes)
        return false;
    for (std::size_t i = 0; i < text.size(); i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i])))
            return false;
    }
    return true;
}

// "<name>:<uuid>.raw" -> info; nullopt for other files.
std::optional<VolumeInfo> parse_volume_file(const std::filesystem::path& path) {
    std::string file = path.filename().string();
    if (!file.ends_with(kVolumeSuffix))
        return std::nullopt;
    std::string stem = file.substr(0, file.size() - std::strlen(kVolumeSuffix));
    auto colon = stem.rfind(':');
    if (colon == std::string::npos || colon == 0 || !is_uuid_text(stem.substr(colon + 1)))
        return std::nullopt;
    VolumeInfo info;
    info.name = stem.substr(0, colon);
    info.uuid = stem.substr(colon + 1);
    info.path = path;
    return info;
}

std::vector<std::string> volume_names(const StorePaths& store) {
    std::vector<std::string> names;
    for (const VolumeInfo& volume : list_volumes(store))
        names.push_back(volume.name);
    return names;
}

[[noreturn]] void fail_unknown(const StorePaths& store, const std::string& what,
                               const std::string& fix) {
    throw Error("no volume named \"" + what + "\" in " + volumes_directory(store).string() +
                    " (volumes: " + name_list(volume_names(store)) + ")",
                fix);
}

common::Bytes bytes_of(const std::string& text) {
    return common::Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

} // namespace

std::filesystem::path volumes_directory(const StorePaths& store) {
    return store.root() / "volumes";
}

void check_volume_name(const std::string& name) {
    bool valid =
        !name.empty() && name.size() <= tfs::kMaxLabelBytes && name != "." && name != ".." &&
        std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
        });
    if (!valid)
        throw Error("invalid volume name \"" + name + "\"",
                    "use 1 to " + std::to_string(tfs::kMaxLabelBytes) +
                        " letters, digits, '.', '_' or '-' (the name is the TFS label)");
}

VolumeInfo create_volume(const StorePaths& store, const VolumeCreateRequest& request) {
    check_volume_name(request.name);
    for (const VolumeInfo& existing : list_volumes(store))
        if (existing.name == request.name)
            throw Error("a volume named \"" + request.name + "\" already exists (" +
                            existing.path.string() + ")",
                        "choose another name, or delete it with 'ops volume delete " +
                            request.name + "'");
    if (request.size_bytes && *request.size_bytes > kMaxVolumeBytes)
        throw Error("a volume of " + human_size(*request.size_bytes) + " is larger than " +
                        human_size(kMaxVolumeBytes),
                    "give a smaller -s/--size");

    HostAllocator allocator;
    ImageTree tree(allocator);
    if (!tree.root())
        throw Error("out of memory while creating the volume", "free some memory");
    if (!request.data_directory.empty()) {
        std::error_code error;
        if (!std::filesystem::is_directory(request.data_directory, error))
            throw Error("-d/--data " + request.data_directory.string() + " is not a directory",
                        "give a directory whose content goes into the volume");
        std::vector<std::filesystem::path> entries;
        for (const auto& entry : std::filesystem::directory_iterator(request.data_directory, error))
            entries.push_back(entry.path());
        if (error)
            throw Error("cannot read " + request.data_directory.string() + ": " + error.message(),
                        "check its permissions");
        std::sort(entries.begin(), entries.end());
        for (const auto& entry : entries)
            tree.add_host_entry("/" + entry.filename().string(), entry);
    }

    Uuid uuid = request.uuid ? *request.uuid : random_uuid();
    ensure_directory(volumes_directory(store));
    VolumeInfo info;
    info.name = request.name;
    info.uuid = uuid_text(uuid);
    info.path = volumes_directory(store) / (request.name + ":" + info.uuid + kVolumeSuffix);

    AtomicFileWriter file(info.path);
    AtomicFileSink sink(file);
    tfs::WriteOptions options;
    std::memcpy(options.uuid, uuid.data(), uuid.size());
    options.label = bytes_of(request.name);
    tfs::WriteResult written;
    tfs::Error error = tree.builder().write(sink, options, &written);
    if (error == tfs::Error::io) {
        std::string detail = tree.read_failure();
        throw Error("cannot create volume " + request.name + ": " +
                        (detail.empty() ? sink.failure() : detail),
                    "check the data directory and the free space");
    }
    check_tfs(error, "creating volume " + request.name);

    std::uint64_t size = tfs::padded_fs_size(written.bytes_used) + kDefaultVolumeRoomBytes;
    if (request.size_bytes) {
        if (*request.size_bytes < written.bytes_used)
            throw Error("the volume content needs " + human_size(written.bytes_used) +
                            " but -s/--size is " + human_size(*request.size_bytes),
                        "give at least -s " +
                            std::to_string((written.bytes_used + (1 << 20) - 1) >> 20) + "m");
        size = (*request.size_bytes + tfs::kSectorSize - 1) / tfs::kSectorSize * tfs::kSectorSize;
    }
    file.resize(size);
    file.commit();
    info.size_bytes = size;
    info.modified = std::chrono::system_clock::now();
    return info;
}

std::vector<VolumeInfo> list_volumes(const StorePaths& store) {
    std::vector<VolumeInfo> volumes;
    std::filesystem::path directory = volumes_directory(store);
    std::error_code error;
    if (!std::filesystem::exists(directory, error))
        return volumes;
    std::filesystem::directory_iterator it(directory, error);
    if (error)
        throw Error("cannot read " + directory.string() + ": " + error.message(),
                    "check its permissions");
    for (const auto& entry : it) {
        std::error_code entry_error;
        if (!entry.is_regular_file(entry_error))
            continue;
        std::optional<VolumeInfo> info = parse_volume_file(entry.path());
        if (!info)
            continue;
        info->size_bytes = entry.file_size(entry_error);
        info->modified = system_time(entry.last_write_time(entry_error));
        volumes.push_back(std::move(*info));
    }
    std::sort(volumes.begin(), volumes.end(), [](const VolumeInfo& a, const VolumeInfo& b) {
        return a.name != b.name ? a.name < b.name : a.uuid < b.uuid;
    });
    return volumes;
}

VolumeInfo find_volume(const StorePaths& store, const std::string& name_uuid_or_path) {
    for (const VolumeInfo& volume : list_volumes(store))
        if (volume.name == name_uuid_or_path || volume.uuid == name_uuid_or_path)
            return volume;
    std::error_code error;
    if (std::filesystem::is_regular_file(name_uuid_or_path, error)) {
        VolumeInfo info;
        info.path = name_uuid_or_path;
        info.name = info.path.filename().string();
        info.size_bytes = std::filesystem::file_size(info.path, error);
        return info;
    }
    fail_unknown(store, name_uuid_or_path,
                 "give a name or UUID that 'ops volume list' shows, or a volume file path");
}

VolumeInfo delete_volume(const StorePaths& store, const std::string& name_or_uuid) {
    for (const VolumeInfo& volume : list_volumes(store)) {
        if (volume.name != name_or_uuid && volume.uuid != name_or_uuid)
            continue;
        std::error_code error;
        if (!std::filesystem::remove(volume.path, error) && error)
            throw Error("cannot delete " + volume.path.string() + ": " + error.message(),
                        "check the permissions of " + volumes_directory(store).string());
        return volume;
    }
    fail_unknown(store, name_or_uuid,
                 "nothing was deleted; give a name or UUID that 'ops volume list' shows");
}

} // namespace ops
