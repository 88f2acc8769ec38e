// file_lookup.cpp: descriptor and path lookups for the file syscalls.
#include "linux/file_lookup.h"
#include "lib/string.h"
#include "linux/abi/structs.h"
#include "linux/missing_files.h"
#include "linux/process.h"
#include "mm/heap.h"

using namespace linux_flags;

namespace {

// A PATH_MAX buffer from the heap (kernel stacks are 64 KiB).
class PathBuffer {
  public:
    PathBuffer() : m_data(static_cast<char*>(kmalloc(PATH_MAX_LENGTH))) {}
    ~PathBuffer() { kfree(m_data); }
    char* data() { return m_data; }
    bool ok() const { return m_data; }

  private:
    char* m_data;
};

// The directory a relative path starts from: dirfd's, or the working directory.
Result<const char*> base_for(int dirfd, const char* path) {
    Process& process = current_process();
    if (path[0] == '/' || dirfd == AT_FDCWD)
        return static_cast<const char*>(process.cwd);
    OpenFile* dir = TRY(process.fds.get(dirfd));
    if (!dir->inode->is_directory())
        return Errno::ENOTDIR;
    return static_cast<const char*>(dir->path ? dir->path : "/");
}

u32 g_creation_mask = 022;

} // namespace

u32 file_creation_mask() {
    return g_creation_mask;
}
void set_file_creation_mask(u32 mask) {
    g_creation_mask = mask & 0777;
}

Result<OpenFile*> readable_file(int fd) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    if (!file->readable() || (file->flags & O_PATH))
        return Errno::EBADF;
    return file;
}

Result<OpenFile*> writable_file(int fd) {
    OpenFile* file = TRY(current_process().fds.get(fd));
    if (!file->writable() || (file->flags & O_PATH))
        return Errno::EBADF;
    return file;
}

Result<Inode*> resolve_at(int dirfd, UserIn<char> user_path, FollowLinks follow, char* canonical,
                          bool allow_empty) {
    PathBuffer path;
    if (!path.ok())
        return Errno::ENOMEM;
    char* p = path.data();
    TRY(copy_string_from_user(p, user_path, PATH_MAX_LENGTH));
    Process& process = current_process();
    if (!p[0]) {
        if (!allow_empty)
            return Errno::ENOENT;
        if (dirfd == AT_FDCWD)
            return vfs_resolve("/", process.cwd, FollowLinks::Yes, canonical);
        OpenFile* file = TRY(process.fds.get(dirfd));
        if (canonical) {
            const char* from = file->path ? file->path : "/";
            memcpy(canonical, from, strlen(from) + 1);
        }
        return file->inode;
    }
    const char* base = TRY(base_for(dirfd, p));
    auto result = vfs_resolve(base, p, follow, canonical);
    if (result.is_error() && result.error() == Errno::ENOENT)
        missing_files_record(base, p);
    return result;
}

Result<void> resolve_parent_at(int dirfd, UserIn<char> user_path, ParentLookup& out,
                               char* canonical_parent) {
    PathBuffer path;
    if (!path.ok())
        return Errno::ENOMEM;
    char* p = path.data();
    size_t length = TRY(copy_string_from_user(p, user_path, PATH_MAX_LENGTH));
    if (length == 0)
        return Errno::ENOENT;
    while (length > 1 && p[length - 1] == '/') {
        p[--length] = 0;
        out.trailing_slash = true;
    }
    const char* base = TRY(base_for(dirfd, p));
    if (length == 1 && p[0] == '/') {
        out.name[0] = 0;
        out.directory = TRY(vfs_resolve("/", "/", FollowLinks::Yes, canonical_parent));
        return {};
    }
    char* slash = nullptr;
    for (char* q = p; *q; q++)
        if (*q == '/')
            slash = q;
    const char* name = slash ? slash + 1 : p;
    size_t name_length = strlen(name);
    if (name_length > 255)
        return Errno::ENAMETOOLONG;
    memcpy(out.name, name, name_length + 1);
    const char* parent = ".";
    if (slash) {
        *slash = 0;
        parent = slash == p ? "/" : p;
    }
    Inode* directory = TRY(vfs_resolve(base, parent, FollowLinks::Yes, canonical_parent));
    if (!directory->is_directory())
        return Errno::ENOTDIR;
    out.directory = directory;
    return {};
}
