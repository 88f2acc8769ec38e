// inode.h: the VFS node interface every filesystem object implements (TFS files and
// directories, devices, synthetic /dev and /proc entries). Calls may block on the disk; they
// never see user pointers (linux/ copies data in and out).
#pragma once

#include "lib/result.h"
#include "lib/types.h"

enum class InodeType : u8 { Regular, Directory, Symlink, CharDevice };

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

  protected:
    explicit Inode(InodeType type);

  private:
    InodeType m_type;
    u64 m_number;
};
