// tfs_volume.h: one mounted TFS (the image's root filesystem or an attached volume): the
// common/tfs filesystem over a disk region, writable through MutableFilesystem unless mounted
// read-only, its inodes (one per node tuple, so hard links share one), and when its buffered log
// records reach the disk. Every call blocks on the disk and needs the big kernel lock.
#pragma once

#include "common/tfs/mutable_filesystem.h"
#include "fs/disk_access.h"
#include "fs/inode.h"
#include "sched/timer.h"

class TfsInode;

enum class MountMode : u8 { ReadWrite, ReadOnly };

class TfsVolume {
  public:
    // Mounts the TFS in [base, base + bytes) of `disk`. A ReadWrite mount that the writable layer
    // refuses (a log it cannot continue) falls back to read-only with a console line.
    static Result<TfsVolume*> mount(virtio::BlockDevice* disk, u64 base, u64 bytes, MountMode mode);

    const tfs::Filesystem& reader() const { return m_writer ? m_writer->filesystem() : *m_reader; }
    // Null when the volume is read-only.
    tfs::MutableFilesystem* writer() { return m_read_only ? nullptr : m_writer; }
    bool read_only() const { return m_read_only || !m_writer; }
    // From now on every change gives EROFS (manifest `readonly_rootfs`).
    void set_read_only() { m_read_only = true; }
    u64 device_id() const { return m_device_id; }
    common::Bytes label() const { return reader().label(); }
    const u8* uuid() const { return reader().uuid(); }

    // The inode of a node tuple, created on first use and kept for the life of the volume (the
    // tree never frees nodes either, and cwd or a walk may still refer to them).
    Result<TfsInode*> inode_for(const tfs::Value* node);
    Result<Inode*> root();

    // Called after every change: buffered records are written once the oldest is a second old
    // (Nanos writes them within about a second too), by the next change or by a timer.
    void changed();
    // Remembers an inode whose modification time changed in memory only (not yet remembered);
    // sync() logs it.
    void add_dirty_times(TfsInode* inode);
    void forget_dirty_times(TfsInode* inode);
    // Remembers a file whose cached pages a mapping changed: the next log write (within a
    // second, as for every other change) writes them back first.
    void pages_dirtied(TfsInode* inode);
    void forget_dirty_pages(TfsInode* inode);
    // Writes back changed cached pages, logs pending times, writes every buffered record, then
    // flushes the device: everything changed so far is durable when it returns success (fsync,
    // sync, exit).
    Result<void> sync();
    FilesystemStats stats();

    // Every mounted volume, for sync() and for the mounts of attached volumes.
    static TfsVolume* first();
    TfsVolume* next() const { return m_next; }

  private:
    TfsVolume(DiskAccess* access, u64 bytes);
    Result<void> write_log();
    void start_log_timer();
    // The timer's callback (timer interrupt, kernel lock held): writes the log unless the CPU
    // was in the middle of kernel code, which might be changing this filesystem.
    static void log_timer_fired(KernelTimer* timer);

    DiskAccess* m_access;
    u64 m_bytes;
    tfs::Filesystem* m_reader = nullptr;
    tfs::MutableFilesystem* m_writer = nullptr;
    bool m_read_only = false;
    u64 m_device_id = 0;
    // Inodes by node address: open addressing, power-of-two capacity.
    TfsInode** m_inodes = nullptr;
    u64 m_inode_capacity = 0;
    u64 m_inode_count = 0;
    TfsInode* m_dirty = nullptr;       // inodes with times to log, linked through TfsInode
    TfsInode* m_dirty_pages = nullptr; // inodes with dirty cached pages (next_dirty_pages)
    u64 m_oldest_change_ns = 0;        // 0 = nothing buffered
    KernelTimer m_log_timer;           // armed while something is buffered
    TfsVolume* m_next = nullptr;
};

// Syncs every mounted volume (sync(2), and the program's exit). Reports failures on the console.
void tfs_sync_all();
// Maps a common/tfs error to the errno Linux gives for the same failure.
Errno errno_of(tfs::Error error);
