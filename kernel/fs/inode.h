// inode.h: the VFS node interface every filesystem object implements (TFS files and
// directories, devices, synthetic /dev and /proc entries). Calls may block on the disk; they
// never see user pointers (linux/ copies data in and out).
#pragma once

#include "lib/result.h"
#include "lib/types.h"

class PageCache;

enum class InodeType : u8 { Regular, Directory, Symlink, CharDevice, Socket };
enum class SpecialInode : u8 { None, Epoll, TimerFd, SignalFd };

struct DirectoryEntry {
    const char* name; // valid until the directory changes
    u64 inode_number;
    InodeType type;
    // The index to ask for next (entry_at may skip removed slots); 0 means index + 1.
    u64 next = 0;
};

// Times as nanoseconds since the epoch; `set_*` say which to change (utimensat).
struct InodeTimes {
    bool set_accessed = false;
    bool set_modified = false;
    u64 accessed_ns = 0;
    u64 modified_ns = 0;
};

// What statfs reports for the filesystem an inode lives on.
struct FilesystemStats {
    u64 block_size = 4096;
    u64 total_blocks = 0;
    u64 free_blocks = 0;
    u64 magic = 0x01021994; // TMPFS_MAGIC for synthetic trees
    bool read_only = false;
};

enum class RemoveKind : u8 { File, Directory }; // unlink or rmdir
// renameat2 flags, as Linux numbers them.
constexpr u32 RENAME_NOREPLACE = 1;
constexpr u32 RENAME_EXCHANGE = 2;

class Inode {
  public:
    virtual ~Inode() = default;

    InodeType type() const { return m_type; }
    u64 number() const { return m_number; }
    bool is_directory() const { return m_type == InodeType::Directory; }

    virtual u64 size() { return 0; }
    virtual u32 mode_bits() { return m_type == InodeType::Directory ? 0755 : 0644; }
    virtual u64 modified_ns() { return 0; }
    // Regular files and devices.
    virtual Result<size_t> read(u64 offset, u8* buffer, size_t length) { return Errno::EINVAL; }
    virtual Result<size_t> write(u64 offset, const u8* buffer, size_t length) {
        return Errno::EROFS;
    }
    // Directories: a child by name (nullptr result = ENOENT), and the entry at `index`
    // (ENOENT past the end). "." and ".." are handled by the caller.
    virtual Result<Inode*> lookup(const char* name) { return Errno::ENOTDIR; }
    virtual Result<DirectoryEntry> entry_at(u64 index) { return Errno::ENOTDIR; }
    // Symlinks: copies the target (not NUL-terminated) and returns its length.
    virtual Result<size_t> read_link(char* buffer, size_t length) { return Errno::EINVAL; }
    // Character devices: terminal ioctls answer only on the console.
    virtual bool is_terminal() { return false; }

    // Readiness for poll/select/epoll, as EPOLL* bits (poll.h). Files are always ready.
    virtual u32 poll_events() { return 0x1 | 0x4; } // EPOLLIN | EPOLLOUT
    // Counts readiness events (data or a connection arrived, space was freed, the peer closed):
    // edge-triggered epoll reports a new event even when the level never dropped between two
    // epoll_wait calls (the program drained it to EAGAIN in between, as it must with EPOLLET).
    virtual u64 readiness_events() { return 0; }
    // Whether read()/write() would block now (the caller returns EAGAIN for O_NONBLOCK).
    virtual bool read_would_block() { return false; }
    virtual bool write_would_block() { return false; }
    // Lets syscalls check what a descriptor refers to without RTTI (epoll_ctl, timerfd_*).
    virtual SpecialInode special() const { return SpecialInode::None; }
    bool is_epoll() const { return special() == SpecialInode::Epoll; }
    bool is_timerfd() const { return special() == SpecialInode::TimerFd; }
    bool is_signalfd() const { return special() == SpecialInode::SignalFd; }
    // Device-specific ioctl requests (the argument is a user address); ENOTTY when unknown.
    virtual Result<u64> ioctl(u64 request, u64 argument) { return Errno::ENOTTY; }
    // Called when the last descriptor referring to this open object closes.
    virtual void release() {}
    // Called when an open file description (or another long-lived user, such as a file mapping)
    // starts referring to this inode; each is paired with one release(). A file whose last name
    // is removed while opened keeps its data until the matching release().
    virtual void opened() {}

    // Metadata for stat. Times are nanoseconds since the epoch.
    virtual u64 link_count() { return is_directory() ? 2 : 1; }
    virtual u64 allocated_bytes() { return (size() + 511) / 512 * 512; }
    virtual u64 accessed_ns() { return modified_ns(); }
    virtual u64 changed_ns() { return modified_ns(); }
    // Identifies the filesystem (st_dev): rename and link across two of them give EXDEV.
    virtual u64 device_id() { return 1; }
    virtual FilesystemStats filesystem_stats() { return FilesystemStats(); }
    // Counts changes of a regular file's content (write, truncate, fallocate), so a cached copy
    // (a file mapping) can tell that it is stale.
    virtual u64 change_count() { return 0; }
    // The pages read(), write() and every mapping of a regular file share (mm/page_cache.h);
    // nullptr for files without one, which cannot be mapped (ENODEV).
    virtual PageCache* page_cache() { return nullptr; }
    // Whether the inode may be opened for writing (EROFS otherwise).
    virtual bool writable() { return type() == InodeType::CharDevice; }

    // Regular files (writable filesystems). Errors as Linux: EROFS on a read-only one.
    virtual Result<void> truncate(u64 length) { return Errno::EROFS; }
    virtual Result<void> allocate(u64 offset, u64 length, bool keep_size) { return Errno::EROFS; }
    virtual Result<void> set_times(const InodeTimes& times) { return Errno::EROFS; }
    // chmod: the permission bits (07777) mode_bits() reports from now on. Synthetic nodes keep
    // theirs (EPERM).
    virtual Result<void> set_mode_bits(u32 bits) { return Errno::EPERM; }
    // Makes this file's data and every metadata change of its filesystem durable (fsync).
    virtual Result<void> sync() { return {}; }

    // Directories of writable filesystems. `name` is one path component. Creating returns the
    // new inode; type is Regular or Directory.
    virtual Result<Inode*> create_child(const char* name, InodeType type) { return Errno::EROFS; }
    virtual Result<Inode*> create_symlink(const char* name, const char* target) {
        return Errno::EROFS;
    }
    // A new name for `target` (a file of the same filesystem).
    virtual Result<void> link_child(const char* name, Inode* target) { return Errno::EROFS; }
    virtual Result<void> remove_child(const char* name, RemoveKind kind) { return Errno::EROFS; }
    // Moves `name` to `new_name` in `new_directory` (flags: RENAME_*).
    virtual Result<void> rename_child(const char* name, Inode* new_directory, const char* new_name,
                                      u32 flags) {
        return Errno::EROFS;
    }
    // An unnamed regular file in this directory's filesystem (O_TMPFILE). When `linkable`,
    // link_child can give it a name later; other files without names give ENOENT there.
    virtual Result<Inode*> create_unnamed(bool linkable) { return Errno::ENOTSUP; }
    // The directory that really holds entries: a synthetic directory layered over an image
    // directory answers with that one. `reserved` names (its own entries) cannot be changed.
    virtual Inode* backing_directory() { return this; }
    virtual bool reserved_name(const char* name) { return false; }

  protected:
    explicit Inode(InodeType type);

  private:
    InodeType m_type;
    u64 m_number;
};
