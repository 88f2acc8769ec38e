// vfs.h: the namespace: the root directory (the image's TFS with /dev and /proc layered over
// it) and path resolution with symlinks. May block on the disk; never sees user pointers.
#pragma once

#include "fs/inode.h"

constexpr size_t PATH_MAX_LENGTH = 4096;
constexpr int MAX_SYMLINK_DEPTH = 40; // as Linux: ELOOP past this many links in one lookup

enum class FollowLinks : u8 { No, Yes };

// Sets up the namespace over the mounted root directory: the image's tree with /dev layered
// over it. Other synthetic top-level directories (/proc, /sys) are added with vfs_add_root.
Result<void> vfs_init(Inode* tfs_root);
// Layers a synthetic directory named `name` over the image's directory of that name.
Result<void> vfs_add_root(const char* name, Inode* directory);
// The image's own directory at `path` below the root (for layering), or nullptr.
Inode* vfs_image_directory(const char* path);
Inode* vfs_root();

// Resolves `path` (absolute, or relative to the absolute directory path `cwd`). With
// FollowLinks::No a final symlink is returned itself. On success, when canonical is not null,
// it receives the absolute path with ".", ".." and symlinks resolved (PATH_MAX_LENGTH bytes).
Result<Inode*> vfs_resolve(const char* cwd, const char* path, FollowLinks follow,
                           char* canonical = nullptr);

// Attached volumes: `root` appears in place of the directory `point` (its contents hidden while
// mounted). EBUSY when `point` already has something mounted, ENOSPC past MAX_MOUNTS.
constexpr int MAX_MOUNTS = 16;
Result<void> vfs_mount(Inode* point, Inode* root);
bool vfs_is_mount_point(Inode* node);
