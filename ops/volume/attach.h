// attach.h: which volume files `ops run` attaches for the config's Mounts: each one found in the
// volume store (by name or UUID), none twice. ops/vmm/qemu_args.cpp turns them into virtio-blk
// disks after the image.
#pragma once

#include "ops/config/config.h"
#include "ops/store/paths.h"
#include "ops/vmm/run_request.h"

#include <map>
#include <string>
#include <vector>

namespace ops {

// Throws ops::Error (one line) for an unknown volume, a volume mounted twice, or a bad path.
std::vector<AttachedVolume> volumes_to_attach(const StorePaths& store, const Config& config);

// --mounts values (VOLUME:/PATH[:ro]) as Mounts entries (volume -> target text), each checked as
// `ops run --mounts` checks it. Throws ops::Error for a bad value or a volume given twice.
std::map<std::string, std::string> mounts_from_flags(const std::vector<std::string>& flags);

// The volume name in a volume file's name ("<name>:<uuid>.raw"), for messages.
std::string volume_name_of(const std::filesystem::path& file);

} // namespace ops
