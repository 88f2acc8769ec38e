// vfs.cpp: path walking. The walk keeps the chain of directories it went through, so ".."
// needs no parent pointers, and rebuilds the canonical path from that chain.
#include "fs/vfs.h"
#include "fs/device_inodes.h"
#include "lib/string.h"
#include "mm/heap.h"

namespace {

Inode* g_root;
constexpr int MAX_DEPTH = 256;

struct Walk {
    Inode* nodes[MAX_DEPTH];
    const char* names[MAX_DEPTH]; // names[i] leads to nodes[i]; names[0] unused (root)
    char name_storage[MAX_DEPTH][256];
    int depth = 0; // nodes[0..depth]
};

// Splices "target/rest" into buffer (which may alias rest).
Result<void> splice(char* buffer, const char* target, size_t target_length, const char* rest) {
    size_t rest_length = strlen(rest);
    if (target_length + 1 + rest_length + 1 > PATH_MAX_LENGTH)
        return Errno::ENAMETOOLONG;
    memmove(buffer + target_length + 1, rest, rest_length + 1);
    memcpy(buffer, target, target_length);
    buffer[target_length] = '/';
    return {};
}

// Walks a plain relative path ("a/b") from `start` without symlinks or "..".
Result<Inode*> vfs_resolve_from(Inode* start, const char* path) {
    Inode* node = start;
    char name[256];
    while (*path) {
        while (*path == '/')
            path++;
        size_t n = 0;
        while (path[n] && path[n] != '/')
            n++;
        if (n == 0)
            break;
        if (n >= sizeof(name))
            return Errno::ENAMETOOLONG;
        memcpy(name, path, n);
        name[n] = 0;
        node = TRY(node->lookup(name));
        path += n;
    }
    return node;
}

} // namespace

namespace {
Inode* g_image_root;
SyntheticDirectory* g_synthetic_root;

struct Mount {
    Inode* point;
    Inode* root;
};
Mount g_mounts[MAX_MOUNTS];
int g_mount_count;

// What a walk sees at `node`: the root of a volume mounted there, or the node itself.
Inode* mounted_over(Inode* node) {
    for (int i = 0; i < g_mount_count; i++)
        if (g_mounts[i].point == node)
            return g_mounts[i].root;
    return node;
}
} // namespace

Result<void> vfs_mount(Inode* point, Inode* root) {
    if (vfs_is_mount_point(point))
        return Errno::EBUSY;
    if (g_mount_count == MAX_MOUNTS)
        return Errno::ENOSPC;
    g_mounts[g_mount_count++] = Mount{point, root};
    return {};
}

bool vfs_is_mount_point(Inode* node) {
    for (int i = 0; i < g_mount_count; i++)
        if (g_mounts[i].point == node || g_mounts[i].root == node)
            return true;
    return false;
}

Inode* vfs_image_directory(const char* path) {
    auto found = vfs_resolve_from(g_image_root, path);
    if (found.is_error() || !found.value()->is_directory())
        return nullptr;
    return found.value();
}

Result<void> vfs_init(Inode* tfs_root) {
    g_image_root = tfs_root;
    auto* root = make<SyntheticDirectory>(tfs_root);
    auto* dev = make<SyntheticDirectory>(nullptr);
    if (!root || !dev)
        return Errno::ENOMEM;
    g_root = root;
    g_synthetic_root = root;
    dev = make<SyntheticDirectory>(vfs_image_directory("dev"));
    if (!dev)
        return Errno::ENOMEM;
    dev->add("null", null_inode());
    dev->add("zero", zero_inode());
    dev->add("urandom", urandom_inode());
    dev->add("random", urandom_inode());
    dev->add("console", console_inode());
    dev->add("tty", console_inode());
    root->add("dev", dev);
    return {};
}

Result<void> vfs_add_root(const char* name, Inode* directory) {
    if (!g_synthetic_root->add(name, directory))
        return Errno::ENOSPC;
    return {};
}

Inode* vfs_root() {
    return g_root;
}

Result<Inode*> vfs_resolve(const char* cwd, const char* path, FollowLinks follow, char* canonical) {
    if (!path[0])
        return Errno::ENOENT;
    auto* walk = static_cast<Walk*>(kmalloc(sizeof(Walk)));
    auto* buffer = static_cast<char*>(kmalloc(PATH_MAX_LENGTH));
    if (!walk || !buffer) {
        kfree(walk);
        kfree(buffer);
        return Errno::ENOMEM;
    }
    struct Cleanup {
        Walk* w;
        char* b;
        ~Cleanup() {
            kfree(w);
            kfree(b);
        }
    } cleanup{walk, buffer};

    // Start from "cwd/path" or "path", and walk from the root.
    size_t path_length = strnlen(path, PATH_MAX_LENGTH);
    if (path_length >= PATH_MAX_LENGTH)
        return Errno::ENAMETOOLONG;
    if (path[0] == '/') {
        memcpy(buffer, path, path_length + 1);
    } else {
        size_t cwd_length = strlen(cwd);
        if (cwd_length + 1 + path_length + 1 > PATH_MAX_LENGTH)
            return Errno::ENAMETOOLONG;
        memcpy(buffer, cwd, cwd_length);
        buffer[cwd_length] = '/';
        memcpy(buffer + cwd_length + 1, path, path_length + 1);
    }
    bool trailing_slash = path_length > 0 && path[path_length - 1] == '/';

    walk->nodes[0] = g_root;
    walk->depth = 0;
    int links = 0;
    const char* p = buffer;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char* end = p;
        while (*end && *end != '/')
            end++;
        size_t length = size_t(end - p);
        if (length > 255)
            return Errno::ENAMETOOLONG;
        Inode* dir = walk->nodes[walk->depth];
        if (length == 1 && p[0] == '.') {
            p = end;
            continue;
        }
        if (length == 2 && p[0] == '.' && p[1] == '.') {
            if (walk->depth > 0)
                walk->depth--;
            p = end;
            continue;
        }
        if (!dir->is_directory())
            return Errno::ENOTDIR;
        char name[256];
        memcpy(name, p, length);
        name[length] = 0;
        Inode* child = mounted_over(TRY(dir->lookup(name)));
        bool last = true;
        for (const char* q = end; *q; q++)
            if (*q != '/')
                last = false;
        if (child->type() == InodeType::Symlink &&
            (!last || follow == FollowLinks::Yes || trailing_slash)) {
            if (++links > MAX_SYMLINK_DEPTH)
                return Errno::ELOOP;
            char target[PATH_MAX_LENGTH];
            size_t target_length = TRY(child->read_link(target, sizeof(target) - 1));
            if (target_length == 0)
                return Errno::ENOENT;
            if (target[0] == '/')
                walk->depth = 0;
            TRY(splice(buffer, target, target_length, end));
            p = buffer;
            continue;
        }
        if (walk->depth + 1 >= MAX_DEPTH)
            return Errno::ENAMETOOLONG;
        walk->depth++;
        walk->nodes[walk->depth] = child;
        memcpy(walk->name_storage[walk->depth], name, length + 1);
        p = end;
    }
    Inode* result = walk->nodes[walk->depth];
    if (trailing_slash && !result->is_directory())
        return Errno::ENOTDIR;
    if (canonical) {
        size_t n = 0;
        for (int i = 1; i <= walk->depth; i++) {
            size_t l = strlen(walk->name_storage[i]);
            if (n + 1 + l + 1 > PATH_MAX_LENGTH)
                return Errno::ENAMETOOLONG;
            canonical[n++] = '/';
            memcpy(canonical + n, walk->name_storage[i], l);
            n += l;
        }
        if (n == 0)
            canonical[n++] = '/';
        canonical[n] = 0;
    }
    return result;
}
