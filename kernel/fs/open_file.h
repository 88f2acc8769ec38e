// open_file.h: an open file description (what dup'd descriptors share: inode, offset, flags)
// and the descriptor table that maps fd numbers to them.
#pragma once

#include "fs/inode.h"

struct OpenFile {
    Inode* inode = nullptr;
    u64 offset = 0;
    u32 flags = 0; // O_* status flags as the program gave them (access mode included)
    u32 references = 1;
    char* path = nullptr; // canonical path, for /proc/self/fd and traces (may be null)

    bool readable() const { return (flags & 3) != 1; }  // not O_WRONLY
    bool writable() const { return (flags & 3) != 0; }  // O_WRONLY or O_RDWR
};

Result<OpenFile*> open_file_create(Inode* inode, u32 flags, const char* path);
void open_file_release(OpenFile* file);

class FdTable {
  public:
    static constexpr int MAX_FDS = 1024; // RLIMIT_NOFILE's soft default

    // Installs at the lowest free fd >= minimum; EMFILE when full. Takes a reference.
    Result<int> install(OpenFile* file, int minimum = 0, bool close_on_exec = false);
    // Installs at exactly fd, closing what was there.
    Result<int> install_at(int fd, OpenFile* file, bool close_on_exec = false);
    Result<OpenFile*> get(int fd);
    Result<void> close(int fd);
    bool close_on_exec(int fd) const { return m_cloexec[fd]; }
    void set_close_on_exec(int fd, bool on) { m_cloexec[fd] = on; }

  private:
    OpenFile* m_files[MAX_FDS] = {};
    bool m_cloexec[MAX_FDS] = {};
};
