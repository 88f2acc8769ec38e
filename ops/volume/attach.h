// attach.h: which volume files `ops run` attaches for the config's Mounts: each one found in the
// volume store (by name or UUID), none twice. ops/vmm/qemu_args.cpp turns them into virtio-blk
// disks after the image.
#pragma once

#include "ops/config/config.h"
#include "ops/store/paths.h"
#include "ops/vmm/run_request.h"

#include <vector>

namespace ops {

// Throws ops::Error (one line) for an unknown volume, a volume mounted twice, or a bad path.
std::vector<AttachedVolume> volumes_to_attach(const StorePaths& store, const Config& config);

} // namespace ops
