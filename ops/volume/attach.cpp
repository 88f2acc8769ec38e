// attach.cpp: Mounts -> volume files to attach.
#include "ops/volume/attach.h"

#include "ops/base/error.h"
#include "ops/config/mounts.h"
#include "ops/volume/volume_store.h"

#include <map>

namespace ops {

std::vector<AttachedVolume> volumes_to_attach(const StorePaths& store, const Config& config) {
    std::vector<AttachedVolume> volumes;
    std::map<std::string, std::string> attached; // uuid -> the Mounts key that named it
    for (const auto& [volume, target] : config.mounts) {
        MountTarget mount = parse_mount_target(volume, target);
        VolumeInfo info = find_volume(store, volume);
        auto [it, fresh] = attached.emplace(info.uuid, volume);
        if (!fresh)
            throw Error("volume " + info.name + " is attached twice (as " + it->second +
                            " and as " + volume + ")",
                        "mount each volume once");
        volumes.push_back(AttachedVolume{info.path, mount.read_only});
    }
    return volumes;
}

std::map<std::string, std::string> mounts_from_flags(const std::vector<std::string>& flags) {
    std::map<std::string, std::string> mounts;
    std::map<std::string, std::string> flagged; // volume -> the --mounts value that named it
    for (const std::string& flag : flags) {
        auto [volume, target] = parse_mount_flag(flag);
        auto [it, fresh] = flagged.emplace(volume, flag);
        if (!fresh)
            throw Error("volume " + volume + " is attached twice (--mounts " + it->second +
                            " and --mounts " + flag + ")",
                        "mount each volume once");
        mounts[volume] = target;
    }
    return mounts;
}

std::string volume_name_of(const std::filesystem::path& file) {
    std::string name = file.filename().string();
    auto colon = name.find(':');
    return colon == std::string::npos ? name : name.substr(0, colon);
}

} // namespace ops
