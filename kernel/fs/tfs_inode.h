// tfs_inode.h: VFS nodes backed by the root TFS (read-only until the writable TFS lands).
#pragma once

#include "common/tfs/filesystem.h"
#include "fs/inode.h"

// Mounts the TFS found on the boot disk and returns its root directory inode.
Result<Inode*> tfs_mount_root(tfs::Filesystem& fs);
