// open_file.cpp: open file descriptions and the descriptor table.
#include "fs/open_file.h"
#include "fs/epoll.h"
#include "lib/string.h"
#include "mm/heap.h"

Result<OpenFile*> open_file_create(Inode* inode, u32 flags, const char* path) {
    auto* file = make<OpenFile>();
    if (!file)
        return Errno::ENOMEM;
    file->inode = inode;
    file->flags = flags;
    inode->opened(); // paired with release() when the description goes
    if (path) {
        size_t n = strlen(path);
        file->path = static_cast<char*>(kmalloc(n + 1));
        if (file->path)
            memcpy(file->path, path, n + 1);
    }
    return file;
}

void open_file_release(OpenFile* file) {
    if (--file->references)
        return;
    epoll_forget_file(file);
    file->inode->release();
    kfree(file->path);
    destroy(file);
}

Result<int> FdTable::install(OpenFile* file, int minimum, bool close_on_exec) {
    if (minimum < 0 || minimum >= MAX_FDS)
        return Errno::EINVAL;
    for (int fd = minimum; fd < MAX_FDS; fd++) {
        if (!m_files[fd]) {
            m_files[fd] = file;
            m_cloexec[fd] = close_on_exec;
            file->references++;
            return fd;
        }
    }
    return Errno::EMFILE;
}

Result<int> FdTable::install_at(int fd, OpenFile* file, bool close_on_exec) {
    if (fd < 0 || fd >= MAX_FDS)
        return Errno::EBADF;
    file->references++;
    if (m_files[fd])
        open_file_release(m_files[fd]);
    m_files[fd] = file;
    m_cloexec[fd] = close_on_exec;
    return fd;
}

Result<OpenFile*> FdTable::get(int fd) {
    if (fd < 0 || fd >= MAX_FDS || !m_files[fd])
        return Errno::EBADF;
    return m_files[fd];
}

Result<void> FdTable::close(int fd) {
    if (fd < 0 || fd >= MAX_FDS || !m_files[fd])
        return Errno::EBADF;
    open_file_release(m_files[fd]);
    m_files[fd] = nullptr;
    m_cloexec[fd] = false;
    return {};
}
