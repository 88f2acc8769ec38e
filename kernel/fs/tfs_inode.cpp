// tfs_inode.cpp: TfsInode wraps one node tuple of the mounted TFS. Child inodes are created on
// first lookup and kept (the tree is immutable today), so inode numbers stay stable.
#include "fs/tfs_inode.h"
#include "lib/string.h"
#include "mm/heap.h"

namespace {

InodeType type_of(const tfs::Value* node) {
    switch (tfs::node_type(node)) {
    case tfs::NodeType::directory:
        return InodeType::Directory;
    case tfs::NodeType::symlink:
        return InodeType::Symlink;
    default:
        return InodeType::Regular;
    }
}

class TfsInode final : public Inode {
  public:
    TfsInode(tfs::Filesystem& fs, const tfs::Value* node)
        : Inode(type_of(node)), m_fs(fs), m_node(node) {}

    u64 size() override {
        if (type() == InodeType::Symlink) {
            common::Bytes target;
            return tfs::symlink_target(m_node, &target) ? target.size() : 0;
        }
        u64 length = 0;
        if (tfs::file_length(m_node, &length) != tfs::Error::none)
            return 0;
        return length;
    }

    Result<size_t> read(u64 offset, u8* buffer, size_t length) override {
        if (type() == InodeType::Directory)
            return Errno::EISDIR;
        size_t done = 0;
        if (m_fs.read_file(m_node, offset, common::MutableBytes(buffer, length), &done) !=
            tfs::Error::none)
            return Errno::EIO;
        return done;
    }

    Result<Inode*> lookup(const char* name) override {
        if (type() != InodeType::Directory)
            return Errno::ENOTDIR;
        TRY(load_children());
        for (u64 i = 0; i < m_child_count; i++)
            if (str_equal(m_children[i].name, name))
                return child_inode(i);
        return Errno::ENOENT;
    }

    Result<DirectoryEntry> entry_at(u64 index) override {
        if (type() != InodeType::Directory)
            return Errno::ENOTDIR;
        TRY(load_children());
        if (index >= m_child_count)
            return Errno::ENOENT;
        Inode* inode = TRY(child_inode(index));
        return DirectoryEntry{m_children[index].name, inode->number(), inode->type()};
    }

    Result<size_t> read_link(char* buffer, size_t length) override {
        common::Bytes target;
        if (type() != InodeType::Symlink || !tfs::symlink_target(m_node, &target))
            return Errno::EINVAL;
        size_t n = min(length, target.size());
        memcpy(buffer, target.data(), n);
        return n;
    }

  private:
    struct Child {
        char* name;
        const tfs::Value* node;
        Inode* inode;
    };

    Result<void> load_children() {
        if (m_children || m_child_count)
            return {};
        const tfs::Value* entries = tfs::directory_entries(m_node);
        if (!entries)
            return {};
        u64 count = entries->entry_count();
        m_children = static_cast<Child*>(kmalloc(sizeof(Child) * (count ? count : 1)));
        if (!m_children)
            return Errno::ENOMEM;
        for (u64 i = 0; i < count; i++) {
            const tfs::Entry& e = entries->entry(i);
            common::Bytes name = e.name;
            if (name.size() == 0 || (name.size() == 1 && name[0] == '.') ||
                (name.size() == 2 && name[0] == '.' && name[1] == '.'))
                continue;
            char* copy = static_cast<char*>(kmalloc(name.size() + 1));
            if (!copy)
                return Errno::ENOMEM;
            memcpy(copy, name.data(), name.size());
            m_children[m_child_count++] = Child{copy, e.value, nullptr};
        }
        return {};
    }

    Result<Inode*> child_inode(u64 i) {
        if (!m_children[i].inode) {
            m_children[i].inode = make<TfsInode>(m_fs, m_children[i].node);
            if (!m_children[i].inode)
                return Errno::ENOMEM;
        }
        return m_children[i].inode;
    }

    tfs::Filesystem& m_fs;
    const tfs::Value* m_node;
    Child* m_children = nullptr;
    u64 m_child_count = 0;
};

} // namespace

Result<Inode*> tfs_mount_root(tfs::Filesystem& fs) {
    if (!fs.root())
        return Errno::EIO;
    Inode* root = make<TfsInode>(fs, fs.root());
    if (!root)
        return Errno::ENOMEM;
    return root;
}
