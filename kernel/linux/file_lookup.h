// file_lookup.h: lookups shared by the file syscalls (fs_calls.cpp, file_change_calls.cpp):
// descriptors checked for the access a call needs, and user paths resolved against a dirfd or
// the working directory. Copies the path in; never keeps a user pointer.
#pragma once

#include "fs/open_file.h"
#include "fs/vfs.h"
#include "linux/user_memory.h"

// The file mode creation mask (umask), 022 at boot.
u32 file_creation_mask();
void set_file_creation_mask(u32 mask);
// The permission bits a new file or directory gets for the `mode` its creator asked for.
inline u32 creation_mode(u32 mode) {
    return mode & 07777 & ~file_creation_mask();
}

Result<OpenFile*> readable_file(int fd);
Result<OpenFile*> writable_file(int fd);

// Copies the user path and resolves it relative to dirfd (or the working directory). An empty
// path means dirfd itself when allow_empty (AT_EMPTY_PATH), else ENOENT.
Result<Inode*> resolve_at(int dirfd, UserIn<char> user_path, FollowLinks follow,
                          char* canonical = nullptr, bool allow_empty = false);

// The directory that holds a path's last component, and that component: what calls that create,
// remove or rename names need. `name` is empty for "/" itself; "." and ".." are returned as they
// are (each call answers them as Linux does). directory is as resolved: a synthetic directory
// keeps its reserved names, changes go to backing_directory().
struct ParentLookup {
    Inode* directory = nullptr;
    char name[256] = {};
    bool trailing_slash = false; // the path ended in '/' (only directories may be named so)
    bool is_dot() const { return name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])); }
};
// canonical_parent (PATH_MAX_LENGTH bytes, may be null) receives the directory's absolute path.
Result<void> resolve_parent_at(int dirfd, UserIn<char> user_path, ParentLookup& out,
                               char* canonical_parent = nullptr);
