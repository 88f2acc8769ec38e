// inode.h: the VFS node interface every filesystem object implements (TFS files and
// directories, devices, synthetic /dev and /proc entries). Calls may block on the disk; they
// never see user pointers (linux/ copies data in and out).
#pragma once

#include "lib/result.h"
#include "lib/types.h"

enum class InodeType : u8 { Regular, Directory, Symlink, CharDevice };
enum class SpecialInode : u8 { None, Epoll, TimerFd, SignalFd };

struct DirectoryEntry {
    const char* name; // valid until the directory changes
    u64 inode_number;
    InodeType type;
};

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
    // Whether read()/write() would block now (the caller returns EAGAIN for O_NONBLOCK).
    virtual bool read_would_block() { return false; }
    virtual bool write_would_block() { return false; }
    // Lets syscalls check what a descriptor refers to without RTTI (epoll_ctl, timerfd_*).
    virtual SpecialInode special() const { return SpecialInode::None; }
    bool is_epoll() const { return special() == SpecialInode::Epoll; }
    bool is_timerfd() const { return special() == SpecialInode::TimerFd; }
    bool is_signalfd() const { return special() == SpecialInode::SignalFd; }
    // Called when the last descriptor referring to this open object closes.
    virtual void release() {}

  protected:
    explicit Inode(InodeType type);

  private:
    InodeType m_type;
    u64 m_number;
};
