// root_mount.h: finds the boot disk among the virtio disks (the one whose sector 0 has an MBR)
// and mounts its root TFS read-write. Blocks on the disk; allocates the tree.
#pragma once

#include "fs/tfs_volume.h"
#include "lib/result.h"

// The boot disk's index in virtio::g_disks is stored in *disk_index.
Result<TfsVolume*> mount_root_filesystem(int* disk_index);
