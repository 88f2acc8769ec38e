// root_mount.h: finds the boot disk among the virtio disks (the one whose sector 0 has an MBR),
// mounts its root TFS and returns the filesystem. Blocks on the disk; allocates the tree.
#pragma once

#include "common/tfs/filesystem.h"
#include "lib/result.h"

Result<tfs::Filesystem*> mount_root_filesystem();
