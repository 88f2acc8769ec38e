// tfs_inode.h: VFS nodes backed by a mounted TFS (tfs_volume.h): files, directories and
// symlinks, read through common/tfs and changed through MutableFilesystem. A regular file's data
// is read through its page cache (mm/page_cache.h), which its mappings share; write() goes to
// the disk at once (so ENOSPC is reported by the write itself) and into the cached pages too. A
// file whose last name goes while it is open stays readable and writable until its last
// release(). Calls block on the disk and need the big kernel lock.
#pragma once

#include "common/tfs/filesystem.h"
#include "fs/inode.h"
#include "mm/page_cache.h"

class TfsVolume;

class TfsInode final : public Inode, private PageStore {
  public:
    TfsInode(TfsVolume& volume, const tfs::Value* node);

    const tfs::Value* node() const { return m_node; }
    TfsVolume& volume() const { return m_volume; }

    u64 size() override;
    u64 modified_ns() override;
    u64 accessed_ns() override;
    u64 changed_ns() override;
    u64 link_count() override;
    u64 allocated_bytes() override;
    u64 device_id() override;
    FilesystemStats filesystem_stats() override;
    u64 change_count() override { return m_change_count; }
    bool writable() override;

    Result<size_t> read(u64 offset, u8* buffer, size_t length) override;
    Result<size_t> write(u64 offset, const u8* buffer, size_t length) override;
    Result<void> truncate(u64 length) override;
    Result<void> allocate(u64 offset, u64 length, bool keep_size) override;
    Result<void> set_times(const InodeTimes& times) override;
    // TFS stores no permissions (tfs.md 6): chmod lasts until the VM stops.
    Result<void> set_mode_bits(u32 bits) override;
    u32 mode_bits() override;
    Result<void> sync() override;
    PageCache* page_cache() override;
    Result<size_t> read_link(char* buffer, size_t length) override;

    Result<Inode*> lookup(const char* name) override;
    Result<DirectoryEntry> entry_at(u64 index) override;
    Result<Inode*> create_child(const char* name, InodeType type) override;
    Result<Inode*> create_symlink(const char* name, const char* target) override;
    Result<void> link_child(const char* name, Inode* target) override;
    Result<void> remove_child(const char* name, RemoveKind kind) override;
    Result<void> rename_child(const char* name, Inode* new_directory, const char* new_name,
                              u32 flags) override;
    Result<Inode*> create_unnamed(bool linkable) override;

    void opened() override { m_open++; }
    void release() override;

    // The modification time changed in this session and is not logged yet (tfs_volume.cpp).
    bool times_dirty() const { return m_times_dirty; }
    Result<void> log_times();
    TfsInode* next_dirty = nullptr;
    // Pages that mappings changed, not in the file yet (tfs_volume.cpp writes them back).
    bool pages_dirty() const { return m_cache && m_cache->has_dirty(); }
    Result<void> write_back_pages();
    TfsInode* next_dirty_pages = nullptr;
    bool on_dirty_pages_list = false;

  private:
    // A directory's entries in a stable order for getdents: removed names leave an empty slot
    // and new ones go at the end, so a reader's position survives changes. Rebuilt from the
    // tree when the directory is next opened and nobody is reading it.
    struct Slot {
        char* name; // nullptr: removed
        const tfs::Value* node;
    };

    // PageStore: the cache reads and writes the file through these.
    Result<u64> store_read(u64 offset, u8* buffer, u64 length) override;
    Result<void> store_write(u64 offset, const u8* buffer, u64 length) override;
    u64 store_size() override { return size(); }
    void store_pages_dirtied() override;
    // The file's data is gone (an orphan released): its pages go too.
    void drop_pages();
    // MutableFilesystem::write with one retry after a log write when space runs out.
    Result<size_t> write_to_disk(u64 offset, const u8* buffer, size_t length);

    bool is_mutable() const;
    void touch(); // content or entries changed now
    Result<void> listing_ready();
    bool listing_add(char* name, const tfs::Value* node);
    void listing_note_added(const char* name, const tfs::Value* node);
    void listing_remove(const char* name);
    void listing_drop();
    Result<TfsInode*> child(const char* name);

    TfsVolume& m_volume;
    const tfs::Value* m_node;
    u32 m_open = 0;
    bool m_unlinked = false; // every name is gone (an orphan while open)
    bool m_unnamed = false;  // made by create_unnamed; may be linked once
    bool m_released = false; // an orphan whose data was freed
    bool m_times_dirty = false;
    u64 m_modified_ns = 0; // valid when m_times_dirty
    u64 m_changed_ns = 0;  // in memory only; 0 = the modification time
    u64 m_change_count = 0;
    PageCache* m_cache = nullptr; // made on first use (regular files)
    u32 m_mode_bits = ~0u;        // ~0 = the default (0755 directories, 0644 files)
    Slot* m_slots = nullptr;
    u64 m_slot_count = 0;
    u64 m_slot_capacity = 0;
    u64 m_removed_slots = 0;
    bool m_listed = false;
};

// Nanoseconds since the epoch <-> TFS 32.32 fixed-point times (tfs.md 6.6).
u64 tfs_time_from_ns(u64 ns);
u64 tfs_time_to_ns(u64 fixed);
