// fs_calls.cpp: Linux file and descriptor syscalls (open, read, write, stat, getdents...):
// argument checks, descriptor lookup and user copies. File semantics live in fs/ (inodes, vfs,
// open files); calls that change names and metadata are in file_change_calls.cpp. Reads of files
// with a page cache copy from the cached pages to the program directly.
#include "fs/open_file.h"
#include "fs/vfs.h"
#include "lib/format.h"
#include "lib/string.h"
#include "linux/abi/file_structs.h"
#include "linux/abi/structs.h"
#include "linux/file_locks.h"
#include "linux/file_lookup.h"
#include "linux/process.h"
#include "linux/signals.h"
#include "linux/syscalls.h"
#include "mm/heap.h"
#include "mm/kernel_buffer.h"
#include "mm/page_cache.h"

using namespace linux_flags;

namespace {

constexpr u64 BOUNCE_SIZE = 64 * KiB;    // bytes moved per step between user and a file
constexpr int MAX_IO_VECTORS = 1024;     // IOV_MAX
constexpr u64 MAX_IO_BYTES = 0x7ffff000; // Linux caps one read/write at this (MAX_RW_COUNT)

// A file with a page cache: straight from its pages to the program, without a bounce buffer.
Result<u64> read_cached_into_user(Inode* inode, PageCache* cache, u64 offset, UserOut<u8> buffer,
                                  u64 count) {
    u64 size = inode->size();
    if (offset >= size)
        return 0;
    return cache->read_with(offset, min(count, size - offset),
                            [buffer](u64 done, const u8* bytes, u64 n) {
                                return copy_array_to_user(buffer.offset(done), bytes, n);
                            });
}

Result<u64> read_into_user(OpenFile* file, u64 offset, UserOut<u8> buffer, u64 count) {
    if (file->inode->is_directory())
        return Errno::EISDIR;
    count = min(count, MAX_IO_BYTES);
    if (!user_range_ok(buffer.address(), count))
        return Errno::EFAULT;
    if (PageCache* cache = file->inode->page_cache())
        return read_cached_into_user(file->inode, cache, offset, buffer, count);
    KernelBuffer bounce(min(count, BOUNCE_SIZE) + 1);
    if (!bounce.ok())
        return Errno::ENOMEM;
    u64 done = 0;
    while (done < count) {
        u64 n = min(count - done, BOUNCE_SIZE);
        auto read = file->inode->read(offset + done, bounce.data(), n);
        if (read.is_error())
            return done ? Result<u64>(done) : Result<u64>(read.error());
        u64 got = read.value();
        if (got && copy_array_to_user(buffer.offset(done), bounce.data(), got).is_error())
            return done ? Result<u64>(done) : Result<u64>(Errno::EFAULT);
        done += got;
        // A short read ends it; so does a stream with nothing more now (a socket or pipe that
        // filled one step exactly must not block for the next).
        if (got < n || file->inode->read_would_block())
            break;
    }
    return done;
}

Result<u64> write_from_user(OpenFile* file, u64 offset, UserIn<u8> buffer, u64 count) {
    count = min(count, MAX_IO_BYTES);
    if (!user_range_ok(buffer.address(), count))
        return Errno::EFAULT;
    KernelBuffer bounce(min(count, BOUNCE_SIZE) + 1);
    if (!bounce.ok())
        return Errno::ENOMEM;
    u64 done = 0;
    while (done < count) {
        u64 n = min(count - done, BOUNCE_SIZE);
        if (copy_array_from_user(bounce.data(), buffer.offset(done), n).is_error())
            return done ? Result<u64>(done) : Result<u64>(Errno::EFAULT);
        auto written = file->inode->write(offset + done, bounce.data(), n);
        if (written.is_error()) {
            if (written.error() == Errno::EPIPE) {
                SignalInfo info = {};
                info.signo = signal::SIGPIPE;
                send_signal(current_thread(), info);
            }
            return done ? Result<u64>(done) : Result<u64>(written.error());
        }
        u64 put = written.value();
        done += put;
        if (put < n)
            break;
    }
    return done;
}

bool seekable(Inode* inode) {
    return inode->type() != InodeType::CharDevice && inode->type() != InodeType::Socket;
}

u32 mode_of(Inode* inode) {
    u32 type = S_IFREG;
    switch (inode->type()) {
    case InodeType::Directory:
        type = S_IFDIR;
        break;
    case InodeType::Symlink:
        type = S_IFLNK;
        break;
    case InodeType::CharDevice:
        type = S_IFCHR;
        break;
    case InodeType::Socket:
        type = 0140000; // S_IFSOCK
        break;
    case InodeType::Regular:
        break;
    }
    return type | (inode->type() == InodeType::Symlink ? 0777 : inode->mode_bits());
}

LinuxTimespec timespec_of(u64 ns) {
    return {i64(ns / 1000000000), i64(ns % 1000000000)};
}

LinuxStat stat_of(Inode* inode) {
    LinuxStat st = {};
    st.st_dev = inode->device_id();
    st.st_ino = inode->number();
    st.st_nlink = inode->link_count();
    st.st_mode = mode_of(inode);
    st.st_size = i64(inode->size());
    st.st_blksize = 4096;
    st.st_blocks = i64(inode->allocated_bytes() / 512);
    if (inode->type() == InodeType::CharDevice)
        st.st_rdev = (1 << 8) | 3;
    st.st_mtim = timespec_of(inode->modified_ns());
    st.st_atim = timespec_of(inode->accessed_ns());
    st.st_ctim = timespec_of(inode->changed_ns());
    return st;
}

// O_CREAT of a name that does not exist yet: a new empty file in its directory.
Result<Inode*> create_for_open(int dirfd, UserIn<char> path, char* canonical) {
    ParentLookup parent;
    TRY(resolve_parent_at(dirfd, path, parent, canonical));
    if (parent.trailing_slash || !parent.name[0] || parent.is_dot())
        return Errno::EISDIR;
    if (parent.directory->reserved_name(parent.name))
        return Errno::EEXIST;
    Inode* inode =
        TRY(parent.directory->backing_directory()->create_child(parent.name, InodeType::Regular));
    size_t n = strlen(canonical);
    if (n + 1 + strlen(parent.name) + 1 <= PATH_MAX_LENGTH)
        format(canonical + n, PATH_MAX_LENGTH - n, "%s%s", n > 1 ? "/" : "", parent.name);
    return inode;
}

// O_TMPFILE: an unnamed file in the directory `path` names.
Result<Inode*> create_unnamed_for_open(int dirfd, UserIn<char> path, int flags, char* canonical) {
    int access = flags & O_ACCMODE;
    if (access != O_WRONLY && access != O_RDWR)
        return Errno::EINVAL;
    Inode* directory = TRY(resolve_at(dirfd, path, FollowLinks::Yes, canonical));
    if (!directory->is_directory())
        return Errno::ENOTDIR;
    Inode* inode = TRY(directory->backing_directory()->create_unnamed(!(flags & O_EXCL)));
    size_t n = strlen(canonical);
    format(canonical + n, PATH_MAX_LENGTH - n, "%s#%lu (deleted)", n > 1 ? "/" : "",
           inode->number());
    return inode;
}

Result<u64> do_open(int dirfd, UserIn<char> path, int flags, u32 mode) {
    if (flags & linux_file_flags::O_DIRECT)
        return Errno::EINVAL; // no direct I/O: every transfer goes through a kernel buffer
    auto* canonical = static_cast<char*>(kmalloc(PATH_MAX_LENGTH));
    if (!canonical)
        return Errno::ENOMEM;
    struct Free {
        char* p;
        ~Free() { kfree(p); }
    } free_canonical{canonical};
    Inode* inode;
    bool created = false;
    if ((flags & O_TMPFILE) == O_TMPFILE) {
        inode = TRY(create_unnamed_for_open(dirfd, path, flags, canonical));
        created = true;
    } else {
        FollowLinks follow = (flags & O_NOFOLLOW) ? FollowLinks::No : FollowLinks::Yes;
        auto resolved = resolve_at(dirfd, path, follow, canonical);
        if (resolved.is_error() && resolved.error() == Errno::ENOENT && (flags & O_CREAT)) {
            inode = TRY(create_for_open(dirfd, path, canonical));
            created = true;
        } else {
            inode = TRY(resolved);
        }
    }
    if (!created && (flags & O_CREAT) && (flags & O_EXCL))
        return Errno::EEXIST;
    if (created)
        (void)inode->set_mode_bits(creation_mode(mode)); // the file exists either way
    if (inode->type() == InodeType::Symlink && (flags & O_NOFOLLOW) && !(flags & O_PATH))
        return Errno::ELOOP;
    if ((flags & O_DIRECTORY) && !inode->is_directory() && (flags & O_TMPFILE) != O_TMPFILE)
        return Errno::ENOTDIR;
    int access = flags & O_ACCMODE;
    if (inode->is_directory() && (access != 0 || (flags & O_CREAT)))
        return Errno::EISDIR;
    bool writing = access != 0 || (flags & O_TRUNC);
    if (inode->type() == InodeType::Regular && writing && !(flags & O_PATH)) {
        if (!inode->writable())
            return Errno::EROFS;
        if ((flags & O_TRUNC) && !created && inode->size() > 0)
            TRY(inode->truncate(0));
    }
    OpenFile* file = TRY(open_file_create(inode, u32(flags), canonical));
    auto fd = current_process().fds.install(file, 0, flags & O_CLOEXEC);
    open_file_release(file);
    return u64(TRY(fd));
}

// Where a write through `file` starts: the end of the file with O_APPEND.
u64 write_position(OpenFile* file, u64 offset) {
    if ((file->flags & O_APPEND) && file->inode->type() == InodeType::Regular)
        return file->inode->size();
    return offset;
}

} // namespace

Result<u64> sys_read(int fd, UserOut<u8> buffer, u64 count) {
    OpenFile* file = TRY(readable_file(fd));
    if ((file->flags & O_NONBLOCK) && file->inode->read_would_block())
        return Errno::EAGAIN;
    u64 done = TRY(read_into_user(file, file->offset, buffer, count));
    if (seekable(file->inode))
        file->offset += done;
    return done;
}

Result<u64> sys_write(int fd, UserIn<u8> buffer, u64 count) {
    OpenFile* file = TRY(writable_file(fd));
    if ((file->flags & O_NONBLOCK) && file->inode->write_would_block())
        return Errno::EAGAIN;
    u64 start = write_position(file, file->offset);
    u64 done = TRY(write_from_user(file, start, buffer, count));
    if (seekable(file->inode))
        file->offset = start + done;
    return done;
}

Result<u64> sys_pread64(int fd, UserOut<u8> buffer, u64 count, i64 offset) {
    OpenFile* file = TRY(readable_file(fd));
    if (offset < 0)
        return Errno::EINVAL;
    if (!seekable(file->inode))
        return Errno::ESPIPE;
    return read_into_user(file, u64(offset), buffer, count);
}

Result<u64> sys_pwrite64(int fd, UserIn<u8> buffer, u64 count, i64 offset) {
    OpenFile* file = TRY(writable_file(fd));
    if (offset < 0)
        return Errno::EINVAL;
    if (!seekable(file->inode))
        return Errno::ESPIPE;
    // Linux appends pwrite() data on O_APPEND descriptors too.
    return write_from_user(file, write_position(file, u64(offset)), buffer, count);
}

namespace {

// readv and writev: each vector in turn, stopping at the first short transfer; an error after
// some bytes moved reports the bytes (as Linux does).
template <typename Transfer>
Result<u64> transfer_vectors(OpenFile* file, UserIn<IoVector> vectors, int count,
                             Transfer transfer) {
    if (count < 0 || count > MAX_IO_VECTORS)
        return Errno::EINVAL;
    u64 total = 0;
    for (int i = 0; i < count; i++) {
        IoVector v;
        TRY(copy_from_user(&v, vectors.offset(i)));
        if (v.length == 0)
            continue;
        auto done = transfer(file, file->offset, v);
        if (done.is_error())
            return total ? Result<u64>(total) : done;
        if (seekable(file->inode))
            file->offset += done.value();
        total += done.value();
        if (done.value() < v.length)
            break;
    }
    return total;
}

// preadv and pwritev: the same at an explicit offset; the descriptor's offset stays.
template <typename Transfer>
Result<u64> transfer_vectors_at(OpenFile* file, UserIn<IoVector> vectors, int count, i64 offset,
                                Transfer transfer) {
    if (count < 0 || count > MAX_IO_VECTORS || offset < 0)
        return Errno::EINVAL;
    if (!seekable(file->inode))
        return Errno::ESPIPE;
    u64 total = 0;
    for (int i = 0; i < count; i++) {
        IoVector v;
        TRY(copy_from_user(&v, vectors.offset(i)));
        if (v.length == 0)
            continue;
        auto done = transfer(file, u64(offset) + total, v);
        if (done.is_error())
            return total ? Result<u64>(total) : done;
        total += done.value();
        if (done.value() < v.length)
            break;
    }
    return total;
}

} // namespace

Result<u64> sys_readv(int fd, UserIn<IoVector> vectors, int count) {
    OpenFile* file = TRY(readable_file(fd));
    return transfer_vectors(file, vectors, count, [](OpenFile* f, u64 offset, const IoVector& v) {
        return read_into_user(f, offset, UserOut<u8>(v.base), v.length);
    });
}

Result<u64> sys_writev(int fd, UserIn<IoVector> vectors, int count) {
    OpenFile* file = TRY(writable_file(fd));
    return transfer_vectors(file, vectors, count, [](OpenFile* f, u64 offset, const IoVector& v) {
        u64 start = write_position(f, offset);
        if (seekable(f->inode))
            f->offset = start; // the caller adds what was written
        return write_from_user(f, start, UserIn<u8>(v.base), v.length);
    });
}

Result<u64> sys_preadv(int fd, UserIn<IoVector> vectors, int count, i64 offset) {
    OpenFile* file = TRY(readable_file(fd));
    return transfer_vectors_at(file, vectors, count, offset,
                               [](OpenFile* f, u64 at, const IoVector& v) {
                                   return read_into_user(f, at, UserOut<u8>(v.base), v.length);
                               });
}

Result<u64> sys_pwritev(int fd, UserIn<IoVector> vectors, int count, i64 offset) {
    OpenFile* file = TRY(writable_file(fd));
    bool append = file->flags & O_APPEND;
    u64 end = append ? write_position(file, 0) : 0;
    return transfer_vectors_at(file, vectors, count, offset,
                               [append, end](OpenFile* f, u64 at, const IoVector& v) mutable {
                                   u64 start = append ? end : at;
                                   auto done =
                                       write_from_user(f, start, UserIn<u8>(v.base), v.length);
                                   if (!done.is_error())
                                       end += done.value();
                                   return done;
                               });
}

Result<u64> sys_creat(UserIn<char> path, u32 mode) {
    return do_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

Result<u64> sys_open(UserIn<char> path, int flags, u32 mode) {
    return do_open(AT_FDCWD, path, flags, mode);
}
Result<u64> sys_openat(int dirfd, UserIn<char> path, int flags, u32 mode) {
    return do_open(dirfd, path, flags, mode);
}

Result<u64> sys_close(int fd) {
    TRY(current_process().fds.close(fd));
    return 0;
}

Result<u64> sys_stat(UserIn<char> path, UserOut<LinuxStat> out) {
    Inode* inode = TRY(resolve_at(AT_FDCWD, path, FollowLinks::Yes));
    LinuxStat st = stat_of(inode);
    TRY(copy_to_user(out, &st));
    return 0;
}

Result<u64> sys_lstat(UserIn<char> path, UserOut<LinuxStat> out) {
    Inode* inode = TRY(resolve_at(AT_FDCWD, path, FollowLinks::No));
    LinuxStat st = stat_of(inode);
    TRY(copy_to_user(out, &st));
    return 0;
}

Result<u64> sys_fstat(int fd, UserOut<LinuxStat> out) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    LinuxStat st = stat_of(file->inode);
    TRY(copy_to_user(out, &st));
    return 0;
}

Result<u64> sys_newfstatat(int dirfd, UserIn<char> path, UserOut<LinuxStat> out, int flags) {
    FollowLinks follow = (flags & AT_SYMLINK_NOFOLLOW) ? FollowLinks::No : FollowLinks::Yes;
    Inode* inode = TRY(resolve_at(dirfd, path, follow, nullptr, flags & AT_EMPTY_PATH));
    LinuxStat st = stat_of(inode);
    TRY(copy_to_user(out, &st));
    return 0;
}

Result<u64> sys_statx(int dirfd, UserIn<char> path, int flags, u32, UserOut<LinuxStatx> out) {
    FollowLinks follow = (flags & AT_SYMLINK_NOFOLLOW) ? FollowLinks::No : FollowLinks::Yes;
    Inode* inode = TRY(resolve_at(dirfd, path, follow, nullptr, flags & AT_EMPTY_PATH));
    LinuxStat st = stat_of(inode);
    LinuxStatx sx = {};
    sx.stx_mask = 0x7ff; // STATX_BASIC_STATS
    sx.stx_blksize = u32(st.st_blksize);
    sx.stx_nlink = u32(st.st_nlink);
    sx.stx_mode = u16(st.st_mode);
    sx.stx_ino = st.st_ino;
    sx.stx_size = u64(st.st_size);
    sx.stx_blocks = u64(st.st_blocks);
    sx.stx_mtime = {st.st_mtim.seconds, u32(st.st_mtim.nanoseconds), 0};
    sx.stx_atime = {st.st_atim.seconds, u32(st.st_atim.nanoseconds), 0};
    sx.stx_ctime = {st.st_ctim.seconds, u32(st.st_ctim.nanoseconds), 0};
    sx.stx_rdev_major = u32(st.st_rdev >> 8);
    sx.stx_rdev_minor = u32(st.st_rdev & 0xff);
    sx.stx_dev_major = u32(st.st_dev >> 8);
    sx.stx_dev_minor = u32(st.st_dev & 0xff);
    TRY(copy_to_user(out, &sx));
    return 0;
}

Result<u64> sys_lseek(int fd, i64 offset, int whence) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    if (!seekable(file->inode))
        return Errno::ESPIPE;
    i64 base;
    switch (whence) {
    case 0:
        base = 0;
        break;
    case 1:
        base = i64(file->offset);
        break;
    case 2:
        base = i64(file->inode->size());
        break;
    case 3:   // SEEK_DATA
    case 4: { // SEEK_HOLE
        // As Linux's generic answer: the whole file is data and the only hole is its end.
        i64 size = i64(file->inode->size());
        if (offset < 0 || offset >= size)
            return Errno::ENXIO;
        file->offset = u64(whence == 3 ? offset : size);
        return file->offset;
    }
    default:
        return Errno::EINVAL;
    }
    i64 target = base + offset;
    if (target < 0 || (offset > 0 && target < base))
        return Errno::EINVAL;
    file->offset = u64(target);
    return u64(target);
}

Result<u64> sys_ioctl(int fd, u64 request, u64 argument) {
    constexpr u64 TCGETS = 0x5401;
    constexpr u64 TIOCGWINSZ = 0x5413;
    constexpr u64 FIONBIO = 0x5421;
    constexpr u64 FIOCLEX = 0x5451;
    constexpr u64 FIONCLEX = 0x5450;
    OpenFile* file = TRY(current_process().fds.get(fd));
    switch (request) {
    case TCGETS: {
        if (!file->inode->is_terminal())
            return Errno::ENOTTY;
        LinuxTermios t = {};
        t.c_iflag = 0x500;  // ICRNL | IXON
        t.c_oflag = 0x5;    // OPOST | ONLCR
        t.c_cflag = 0xbf;   // B38400 | CS8 | CREAD
        t.c_lflag = 0x8a3b; // ISIG | ICANON | ECHO... as a fresh Linux tty
        TRY(copy_to_user(UserOut<LinuxTermios>(argument), &t));
        return 0;
    }
    case TIOCGWINSZ: {
        if (!file->inode->is_terminal())
            return Errno::ENOTTY;
        LinuxWinsize w = {24, 80, 0, 0};
        TRY(copy_to_user(UserOut<LinuxWinsize>(argument), &w));
        return 0;
    }
    case FIONBIO: {
        int on;
        TRY(copy_from_user(&on, UserIn<int>(argument)));
        file->flags = on ? (file->flags | O_NONBLOCK) : (file->flags & ~u32(O_NONBLOCK));
        return 0;
    }
    case FIOCLEX:
    case FIONCLEX:
        current_process().fds.set_close_on_exec(fd, request == FIOCLEX);
        return 0;
    default:
        if (auto answered = file->inode->ioctl(request, argument);
            !answered.is_error() || answered.error() != Errno::ENOTTY)
            return answered;
        return file->inode->is_terminal() ? Errno::EINVAL : Errno::ENOTTY;
    }
}

Result<u64> sys_access(UserIn<char> path, int mode) {
    return sys_faccessat(AT_FDCWD, path, mode);
}

Result<u64> sys_faccessat(int dirfd, UserIn<char> path, int mode) {
    return sys_faccessat2(dirfd, path, mode, 0);
}

Result<u64> sys_faccessat2(int dirfd, UserIn<char> path, int mode, int flags) {
    if (mode & ~7)
        return Errno::EINVAL;
    FollowLinks follow = (flags & AT_SYMLINK_NOFOLLOW) ? FollowLinks::No : FollowLinks::Yes;
    Inode* inode = TRY(resolve_at(dirfd, path, follow, nullptr, flags & AT_EMPTY_PATH));
    // We run as root; only writing to a read-only filesystem is refused.
    if ((mode & 2) && inode->type() == InodeType::Regular && !inode->writable())
        return Errno::EROFS;
    return 0;
}

Result<u64> sys_dup(int fd) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    return u64(TRY(current_process().fds.install(file)));
}

Result<u64> sys_dup2(int fd, int new_fd) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    if (fd == new_fd)
        return u64(fd);
    return u64(TRY(current_process().fds.install_at(new_fd, file)));
}

Result<u64> sys_dup3(int fd, int new_fd, int flags) {
    if (fd == new_fd || (flags & ~O_CLOEXEC))
        return Errno::EINVAL;
    OpenFile* file = TRY(current_process().fds.get(fd));
    return u64(TRY(current_process().fds.install_at(new_fd, file, flags & O_CLOEXEC)));
}

Result<u64> sys_fcntl(int fd, int command, u64 argument) {
    constexpr int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4;
    constexpr int F_DUPFD_CLOEXEC = 1030;
    constexpr int FD_CLOEXEC = 1;
    FdTable& fds = current_process().fds;
    OpenFile* file = TRY(fds.get(fd));
    switch (command) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (argument >= u64(FdTable::MAX_FDS))
            return Errno::EINVAL;
        return u64(TRY(fds.install(file, int(argument), command == F_DUPFD_CLOEXEC)));
    case F_GETFD:
        return fds.close_on_exec(fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
        fds.set_close_on_exec(fd, argument & FD_CLOEXEC);
        return 0;
    case F_GETFL:
        return file->flags & ~u32(O_CLOEXEC);
    case F_SETFL: {
        constexpr u32 changeable = O_APPEND | O_NONBLOCK;
        file->flags = (file->flags & ~changeable) | (u32(argument) & changeable);
        return 0;
    }
    default:
        if (is_record_lock_command(command))
            return fcntl_lock(file, command, argument);
        return Errno::EINVAL;
    }
}

Result<u64> sys_fsync(int fd) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    // The log holds every metadata change of the filesystem, so syncing it is what fsync of one
    // file needs too (its data was written to the disk by write() already).
    TRY(file->inode->sync());
    return 0;
}

Result<u64> sys_fdatasync(int fd) {
    return sys_fsync(fd);
}

Result<u64> sys_getcwd(UserOut<char> buffer, u64 size) {
    const char* cwd = current_process().cwd;
    u64 length = strlen(cwd) + 1;
    if (size < length)
        return Errno::ERANGE;
    TRY(copy_array_to_user(buffer, cwd, length));
    return length;
}

Result<u64> sys_chdir(UserIn<char> path) {
    char canonical[PATH_MAX_LENGTH];
    Inode* inode = TRY(resolve_at(AT_FDCWD, path, FollowLinks::Yes, canonical));
    if (!inode->is_directory())
        return Errno::ENOTDIR;
    memcpy(current_process().cwd, canonical, strlen(canonical) + 1);
    return 0;
}

Result<u64> sys_fchdir(int fd) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    if (!file->inode->is_directory())
        return Errno::ENOTDIR;
    if (!file->path)
        return Errno::ENOENT;
    memcpy(current_process().cwd, file->path, strlen(file->path) + 1);
    return 0;
}

Result<u64> sys_readlink(UserIn<char> path, UserOut<char> buffer, u64 size) {
    return sys_readlinkat(AT_FDCWD, path, buffer, size);
}

Result<u64> sys_readlinkat(int dirfd, UserIn<char> path, UserOut<char> buffer, u64 size) {
    if (i64(size) <= 0)
        return Errno::EINVAL;
    Inode* inode = TRY(resolve_at(dirfd, path, FollowLinks::No));
    if (inode->type() != InodeType::Symlink)
        return Errno::EINVAL;
    char target[PATH_MAX_LENGTH];
    u64 length = TRY(inode->read_link(target, min<u64>(size, sizeof(target))));
    TRY(copy_array_to_user(buffer, target, length));
    return length;
}

Result<u64> sys_getdents64(int fd, UserOut<u8> buffer, u64 size) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    if (!file->inode->is_directory())
        return Errno::ENOTDIR;
    u64 written = 0;
    // Offsets: 0 = ".", 1 = "..", 2 + i = entry i of the directory.
    for (;;) {
        u64 index = file->offset;
        u64 next = index + 1;
        const char* name;
        u64 inode_number;
        u8 type;
        if (index == 0 || index == 1) {
            name = index == 0 ? "." : "..";
            inode_number = file->inode->number();
            type = 4; // DT_DIR
        } else {
            auto entry = file->inode->entry_at(index - 2);
            // entry_at skips removed slots: the position after this entry.
            next = entry.is_error() ? index + 1
                                    : 2 + (entry.value().next ? entry.value().next : index - 1);
            if (entry.is_error()) {
                if (entry.error() == Errno::ENOENT)
                    break;
                return entry.error();
            }
            name = entry.value().name;
            inode_number = entry.value().inode_number;
            switch (entry.value().type) {
            case InodeType::Directory:
                type = 4;
                break;
            case InodeType::Symlink:
                type = 10;
                break;
            case InodeType::CharDevice:
                type = 2;
                break;
            default:
                type = 8;
            }
        }
        u64 name_length = strlen(name);
        constexpr u64 NAME_OFFSET = 19; // offsetof(linux_dirent64, d_name)
        u64 record = align_up(NAME_OFFSET + name_length + 1, 8);
        if (written + record > size) {
            if (written == 0)
                return Errno::EINVAL;
            break;
        }
        u8 bytes[NAME_OFFSET + 256 + 8] = {};
        LinuxDirent64Header header = {inode_number, i64(next), u16(record), type};
        memcpy(bytes, &header, NAME_OFFSET);
        memcpy(bytes + NAME_OFFSET, name, name_length);
        TRY(copy_array_to_user(buffer.offset(written), bytes, record));
        written += record;
        file->offset = next;
    }
    return written;
}
