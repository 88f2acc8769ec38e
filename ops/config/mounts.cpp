// mounts.cpp: the mount syntax of Mounts and --mounts.
#include "ops/config/mounts.h"

#include "ops/base/error.h"

namespace ops {

MountTarget parse_mount_target(const std::string& volume, const std::string& target) {
    MountTarget mount;
    mount.path = target;
    const std::string ro = ":ro";
    if (mount.path.size() > ro.size() &&
        mount.path.compare(mount.path.size() - ro.size(), ro.size(), ro) == 0) {
        mount.read_only = true;
        mount.path.resize(mount.path.size() - ro.size());
    }
    while (mount.path.size() > 1 && mount.path.back() == '/')
        mount.path.pop_back();
    if (mount.path.empty() || mount.path[0] != '/')
        throw Error("the mount path \"" + target + "\" of volume " + volume + " is not absolute",
                    "write it like " + volume + ":/data");
    if (mount.path == "/")
        throw Error("volume " + volume + " cannot be mounted at / (the root filesystem)",
                    "mount it at a directory such as /data");
    return mount;
}

std::pair<std::string, std::string> parse_mount_flag(const std::string& flag) {
    auto colon = flag.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == flag.size())
        throw Error("--mounts \"" + flag + "\" is not of the form VOLUME:/PATH[:ro]",
                    "write it like --mounts myvolume:/data");
    std::string volume = flag.substr(0, colon);
    std::string target = flag.substr(colon + 1);
    parse_mount_target(volume, target);
    return {volume, target};
}

} // namespace ops
