// mount_points.h: what an image needs for the config's Mounts (manifest.md `mounts`): the root
// tuple key `mounts` (volume name or UUID -> "/path" or "/path:ro", as given) and an empty
// directory at each path for the kernel to mount the volume on.
#pragma once

#include "ops/config/config.h"
#include "ops/image/image_tree.h"

namespace ops {

// Throws ops::Error for a path that cannot be a mount point (relative, "/").
void add_mount_points(ImageTree& tree, const Config& config);

} // namespace ops
