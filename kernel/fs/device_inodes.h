// device_inodes.h: character devices (/dev/null, /dev/zero, /dev/urandom, /dev/random, the
// console) and synthetic directories that merge their own entries over a TFS directory.
#pragma once

#include "fs/inode.h"

Inode* console_inode();
Inode* null_inode();
Inode* zero_inode();
Inode* urandom_inode();

// A directory with fixed entries, optionally layered over a directory of the image (entries of
// the image that are not shadowed stay visible).
class SyntheticDirectory final : public Inode {
  public:
    static constexpr int MAX_ENTRIES = 16;
    explicit SyntheticDirectory(Inode* underlying)
        : Inode(InodeType::Directory), m_underlying(underlying) {}
    bool add(const char* name, Inode* inode);
    Result<Inode*> lookup(const char* name) override;
    Result<DirectoryEntry> entry_at(u64 index) override;
    // Changes go to the image's directory, except for names this one provides itself.
    Inode* backing_directory() override { return m_underlying ? m_underlying : this; }
    bool reserved_name(const char* name) override;
    u64 device_id() override { return m_underlying ? m_underlying->device_id() : 1; }
    FilesystemStats filesystem_stats() override {
        return m_underlying ? m_underlying->filesystem_stats() : FilesystemStats();
    }

  private:
    struct Item {
        const char* name;
        Inode* inode;
    };
    Item m_items[MAX_ENTRIES];
    int m_count = 0;
    Inode* m_underlying;
};

// A symlink whose target is computed when read (/proc/self/exe).
class SyntheticLink final : public Inode {
  public:
    explicit SyntheticLink(const char* (*target)()) : Inode(InodeType::Symlink), m_target(target) {}
    Result<size_t> read_link(char* buffer, size_t length) override;
    u64 size() override;

  private:
    const char* (*m_target)();
};
