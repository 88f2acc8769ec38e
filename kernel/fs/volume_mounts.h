// volume_mounts.h: attached data volumes (manifest `mounts`, manifest.md): every virtio disk
// besides the boot disk that holds a bare TFS (tfs.md 1) and that the manifest names by label or
// UUID is mounted at the manifest's path, read-only with ":ro". Runs once at boot, after the
// namespace is set up; blocks on the disks.
#pragma once

#include "common/tfs/value.h"

// Reports each volume it cannot mount, and each manifest entry no disk matched, on the console.
void mount_attached_volumes(const tfs::Value* manifest_root, int boot_disk);
