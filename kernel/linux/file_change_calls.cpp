// file_change_calls.cpp: Linux calls that change the filesystem's names and metadata (mkdir,
// unlink, rename, link, symlink, truncate, fallocate, utimensat) plus sync and statfs: argument
// checks and user copies. The work is in the inodes (fs/tfs_inode.cpp for TFS).
#include "fs/tfs_volume.h"
#include "lib/string.h"
#include "linux/abi/file_structs.h"
#include "linux/abi/structs.h"
#include "linux/file_lookup.h"
#include "linux/process.h"
#include "linux/syscalls.h"
#include "mm/heap.h"
#include "time/clock.h"

using namespace linux_flags;
using namespace linux_file_flags;

namespace {

// The directory that really takes a change of `name` (a synthetic directory's own entries are
// fixed: `reserved` is their errno).
Result<Inode*> changeable(const ParentLookup& parent, Errno reserved) {
    if (parent.directory->reserved_name(parent.name))
        return reserved;
    return parent.directory->backing_directory();
}

Result<u64> do_mkdir(int dirfd, UserIn<char> path, u32 mode) {
    ParentLookup parent;
    TRY(resolve_parent_at(dirfd, path, parent));
    if (!parent.name[0] || parent.is_dot())
        return Errno::EEXIST;
    Inode* directory = TRY(changeable(parent, Errno::EEXIST));
    Inode* created = TRY(directory->create_child(parent.name, InodeType::Directory));
    (void)created->set_mode_bits(creation_mode(mode)); // the directory exists either way
    return 0;
}

Result<u64> do_chmod(Inode* inode, u32 mode) {
    // A symlink's own mode cannot be changed (Linux: EOPNOTSUPP for fchmodat NOFOLLOW).
    if (inode->type() == InodeType::Symlink)
        return Errno::ENOTSUP;
    TRY(inode->set_mode_bits(mode & 07777));
    return 0;
}

Result<u64> do_rmdir(int dirfd, UserIn<char> path) {
    ParentLookup parent;
    TRY(resolve_parent_at(dirfd, path, parent));
    if (!parent.name[0])
        return Errno::EBUSY;
    if (parent.name[0] == '.' && !parent.name[1])
        return Errno::EINVAL;
    if (parent.is_dot())
        return Errno::ENOTEMPTY;
    Inode* directory = TRY(changeable(parent, Errno::EBUSY));
    TRY(directory->remove_child(parent.name, RemoveKind::Directory));
    return 0;
}

Result<u64> do_unlink(int dirfd, UserIn<char> path) {
    ParentLookup parent;
    TRY(resolve_parent_at(dirfd, path, parent));
    if (!parent.name[0] || parent.is_dot())
        return Errno::EISDIR;
    Inode* directory = TRY(changeable(parent, Errno::EBUSY));
    if (parent.trailing_slash) {
        // "name/" names a directory: EISDIR for one, ENOTDIR for anything else.
        Inode* target = TRY(directory->lookup(parent.name));
        return target->is_directory() ? Errno::EISDIR : Errno::ENOTDIR;
    }
    TRY(directory->remove_child(parent.name, RemoveKind::File));
    return 0;
}

Result<u64> do_rename(int old_dirfd, UserIn<char> old_path, int new_dirfd, UserIn<char> new_path,
                      u32 flags) {
    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
        return Errno::EINVAL;
    if (flags & RENAME_WHITEOUT)
        return Errno::EINVAL; // no whiteouts: there are no overlay filesystems here
    ParentLookup from;
    ParentLookup to;
    TRY(resolve_parent_at(old_dirfd, old_path, from));
    TRY(resolve_parent_at(new_dirfd, new_path, to));
    if (!from.name[0] || !to.name[0] || from.is_dot() || to.is_dot())
        return Errno::EBUSY;
    Inode* source = TRY(changeable(from, Errno::EBUSY));
    if (from.trailing_slash || to.trailing_slash) {
        Inode* moving = TRY(source->lookup(from.name));
        if (!moving->is_directory())
            return Errno::ENOTDIR;
    }
    TRY(source->rename_child(from.name, to.directory, to.name, flags));
    return 0;
}

Result<u64> do_link(int old_dirfd, UserIn<char> old_path, int new_dirfd, UserIn<char> new_path,
                    int flags) {
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return Errno::EINVAL;
    FollowLinks follow = (flags & AT_SYMLINK_FOLLOW) ? FollowLinks::Yes : FollowLinks::No;
    Inode* target = TRY(resolve_at(old_dirfd, old_path, follow, nullptr, flags & AT_EMPTY_PATH));
    if (target->is_directory())
        return Errno::EPERM;
    ParentLookup parent;
    TRY(resolve_parent_at(new_dirfd, new_path, parent));
    if (!parent.name[0] || parent.is_dot() || parent.trailing_slash)
        return Errno::EEXIST;
    Inode* directory = TRY(changeable(parent, Errno::EEXIST));
    if (directory->lookup(parent.name).is_error() == false)
        return Errno::EEXIST;
    TRY(directory->link_child(parent.name, target));
    return 0;
}

Result<u64> do_symlink(UserIn<char> user_target, int dirfd, UserIn<char> path) {
    auto* target = static_cast<char*>(kmalloc(PATH_MAX_LENGTH));
    if (!target)
        return Errno::ENOMEM;
    struct Free {
        char* p;
        ~Free() { kfree(p); }
    } free_target{target};
    TRY(copy_string_from_user(target, user_target, PATH_MAX_LENGTH));
    if (!target[0])
        return Errno::ENOENT;
    ParentLookup parent;
    TRY(resolve_parent_at(dirfd, path, parent));
    if (!parent.name[0] || parent.is_dot() || parent.trailing_slash)
        return Errno::EEXIST;
    Inode* directory = TRY(changeable(parent, Errno::EEXIST));
    TRY(directory->create_symlink(parent.name, target));
    return 0;
}

// One utimensat time: UTIME_NOW, UTIME_OMIT or a valid timespec.
Result<void> apply_time(const LinuxTimespec& t, bool* set, u64* ns) {
    if (t.nanoseconds == UTIME_OMIT)
        return {};
    *set = true;
    if (t.nanoseconds == UTIME_NOW) {
        *ns = realtime_ns();
        return {};
    }
    if (t.nanoseconds < 0 || t.nanoseconds >= 1000000000 || t.seconds < 0)
        return Errno::EINVAL;
    *ns = u64(t.seconds) * 1000000000 + u64(t.nanoseconds);
    return {};
}

Result<u64> set_times_at(int dirfd, UserIn<char> path, const LinuxTimespec* times, int flags) {
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return Errno::EINVAL;
    InodeTimes change;
    if (!times) {
        change.set_accessed = change.set_modified = true;
        change.accessed_ns = change.modified_ns = realtime_ns();
    } else {
        TRY(apply_time(times[0], &change.set_accessed, &change.accessed_ns));
        TRY(apply_time(times[1], &change.set_modified, &change.modified_ns));
    }
    Inode* inode;
    if (path.is_null()) {
        // utimensat(fd, NULL, ...) is futimens(fd).
        if (dirfd == AT_FDCWD)
            return Errno::EFAULT;
        inode = TRY(current_process().fds.get(dirfd))->inode;
    } else {
        FollowLinks follow = (flags & AT_SYMLINK_NOFOLLOW) ? FollowLinks::No : FollowLinks::Yes;
        inode = TRY(resolve_at(dirfd, path, follow, nullptr, flags & AT_EMPTY_PATH));
    }
    if (!change.set_accessed && !change.set_modified)
        return 0;
    TRY(inode->set_times(change));
    return 0;
}

// utimes and futimesat take microseconds.
Result<u64> set_times_micro(int dirfd, UserIn<char> path, UserIn<LinuxTimeval> user_times) {
    if (user_times.is_null())
        return set_times_at(dirfd, path, nullptr, 0);
    LinuxTimeval tv[2];
    TRY(copy_array_from_user(tv, user_times, 2));
    LinuxTimespec ts[2];
    for (int i = 0; i < 2; i++) {
        if (tv[i].microseconds < 0 || tv[i].microseconds >= 1000000)
            return Errno::EINVAL;
        ts[i] = {tv[i].seconds, tv[i].microseconds * 1000};
    }
    return set_times_at(dirfd, path, ts, 0);
}

LinuxStatfs statfs_of(Inode* inode) {
    FilesystemStats stats = inode->filesystem_stats();
    LinuxStatfs out = {};
    out.f_type = i64(stats.magic);
    out.f_bsize = i64(stats.block_size);
    out.f_frsize = i64(stats.block_size);
    out.f_blocks = stats.total_blocks;
    out.f_bfree = out.f_bavail = stats.free_blocks;
    out.f_fsid[0] = i32(inode->device_id());
    out.f_namelen = NAME_MAX;
    out.f_flags = stats.read_only ? ST_RDONLY : 0;
    return out;
}

} // namespace

Result<u64> sys_mkdir(UserIn<char> path, u32 mode) {
    return do_mkdir(AT_FDCWD, path, mode);
}
Result<u64> sys_mkdirat(int dirfd, UserIn<char> path, u32 mode) {
    return do_mkdir(dirfd, path, mode);
}

Result<u64> sys_chmod(UserIn<char> path, u32 mode) {
    return do_chmod(TRY(resolve_at(AT_FDCWD, path, FollowLinks::Yes)), mode);
}

Result<u64> sys_fchmod(int fd, u32 mode) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    if (file->flags & O_PATH)
        return Errno::EBADF;
    return do_chmod(file->inode, mode);
}

Result<u64> sys_fchmodat(int dirfd, UserIn<char> path, u32 mode) {
    return do_chmod(TRY(resolve_at(dirfd, path, FollowLinks::Yes)), mode);
}

Result<u64> sys_umask(u32 mask) {
    u32 old = file_creation_mask();
    set_file_creation_mask(mask);
    return old;
}
Result<u64> sys_rmdir(UserIn<char> path) {
    return do_rmdir(AT_FDCWD, path);
}
Result<u64> sys_unlink(UserIn<char> path) {
    return do_unlink(AT_FDCWD, path);
}

Result<u64> sys_unlinkat(int dirfd, UserIn<char> path, int flags) {
    if (flags & ~AT_REMOVEDIR)
        return Errno::EINVAL;
    return (flags & AT_REMOVEDIR) ? do_rmdir(dirfd, path) : do_unlink(dirfd, path);
}

Result<u64> sys_rename(UserIn<char> old_path, UserIn<char> new_path) {
    return do_rename(AT_FDCWD, old_path, AT_FDCWD, new_path, 0);
}

Result<u64> sys_renameat(int old_dirfd, UserIn<char> old_path, int new_dirfd,
                         UserIn<char> new_path) {
    return do_rename(old_dirfd, old_path, new_dirfd, new_path, 0);
}

Result<u64> sys_renameat2(int old_dirfd, UserIn<char> old_path, int new_dirfd,
                          UserIn<char> new_path, u32 flags) {
    return do_rename(old_dirfd, old_path, new_dirfd, new_path, flags);
}

Result<u64> sys_link(UserIn<char> old_path, UserIn<char> new_path) {
    return do_link(AT_FDCWD, old_path, AT_FDCWD, new_path, 0);
}

Result<u64> sys_linkat(int old_dirfd, UserIn<char> old_path, int new_dirfd, UserIn<char> new_path,
                       int flags) {
    return do_link(old_dirfd, old_path, new_dirfd, new_path, flags);
}

Result<u64> sys_symlink(UserIn<char> target, UserIn<char> path) {
    return do_symlink(target, AT_FDCWD, path);
}

Result<u64> sys_symlinkat(UserIn<char> target, int dirfd, UserIn<char> path) {
    return do_symlink(target, dirfd, path);
}

Result<u64> sys_truncate(UserIn<char> path, i64 length) {
    if (length < 0)
        return Errno::EINVAL;
    Inode* inode = TRY(resolve_at(AT_FDCWD, path, FollowLinks::Yes));
    if (inode->is_directory())
        return Errno::EISDIR;
    if (inode->type() != InodeType::Regular)
        return Errno::EINVAL;
    TRY(inode->truncate(u64(length)));
    return 0;
}

Result<u64> sys_ftruncate(int fd, i64 length) {
    if (length < 0)
        return Errno::EINVAL;
    OpenFile* file = TRY(current_process().fds.get(fd));
    if (file->flags & O_PATH)
        return Errno::EBADF;
    if (!file->writable() || file->inode->type() != InodeType::Regular)
        return Errno::EINVAL;
    TRY(file->inode->truncate(u64(length)));
    return 0;
}

Result<u64> sys_fallocate(int fd, int mode, i64 offset, i64 length) {
    if (offset < 0 || length <= 0)
        return Errno::EINVAL;
    // Only plain allocation and FALLOC_FL_KEEP_SIZE: punching holes, zeroing, collapsing and
    // inserting ranges are not supported by the TFS writer (Linux: EOPNOTSUPP).
    if (mode & ~FALLOC_FL_KEEP_SIZE)
        return Errno::ENOTSUP;
    OpenFile* file = TRY(writable_file(fd));
    Inode* inode = file->inode;
    if (inode->is_directory())
        return Errno::EISDIR;
    if (inode->type() != InodeType::Regular)
        return inode->type() == InodeType::CharDevice ? Errno::ENODEV : Errno::ESPIPE;
    if (offset + length < offset)
        return Errno::EFBIG;
    TRY(inode->allocate(u64(offset), u64(length), mode & FALLOC_FL_KEEP_SIZE));
    return 0;
}

Result<u64> sys_utimensat(int dirfd, UserIn<char> path, UserIn<LinuxTimespec> user_times,
                          int flags) {
    if (user_times.is_null())
        return set_times_at(dirfd, path, nullptr, flags);
    LinuxTimespec times[2];
    TRY(copy_array_from_user(times, user_times, 2));
    return set_times_at(dirfd, path, times, flags);
}

Result<u64> sys_futimesat(int dirfd, UserIn<char> path, UserIn<LinuxTimeval> times) {
    return set_times_micro(dirfd, path, times);
}

Result<u64> sys_utimes(UserIn<char> path, UserIn<LinuxTimeval> times) {
    return set_times_micro(AT_FDCWD, path, times);
}

Result<u64> sys_sync() {
    tfs_sync_all();
    return 0;
}

Result<u64> sys_syncfs(int fd) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    TRY(file->inode->sync());
    return 0;
}

Result<u64> sys_statfs(UserIn<char> path, UserOut<LinuxStatfs> out) {
    Inode* inode = TRY(resolve_at(AT_FDCWD, path, FollowLinks::Yes));
    LinuxStatfs st = statfs_of(inode);
    TRY(copy_to_user(out, &st));
    return 0;
}

Result<u64> sys_fstatfs(int fd, UserOut<LinuxStatfs> out) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    LinuxStatfs st = statfs_of(file->inode);
    TRY(copy_to_user(out, &st));
    return 0;
}
