// mounts.h: data volume mounts (config.json `Mounts` {"vol": "/path"}, `ops run --mounts
// vol:/path[:ro]`): the syntax both share and the checks on the guest path. The manifest keeps
// the target text as given ("/path" or "/path:ro", manifest.md `mounts`).
#pragma once

#include <string>
#include <utility>

namespace ops {

struct MountTarget {
    std::string path; // absolute guest path, not "/"
    bool read_only = false;
};

// Parses "/path" or "/path:ro" for `volume`. Throws ops::Error when the path is empty, relative
// or "/" (the root filesystem cannot be replaced).
MountTarget parse_mount_target(const std::string& volume, const std::string& target);

// Splits one --mounts value "vol:/path[:ro]" into the volume and its target text, checked with
// parse_mount_target. Throws ops::Error for a value without a volume or a path.
std::pair<std::string, std::string> parse_mount_flag(const std::string& flag);

} // namespace ops
