// tfs_volume.cpp: mounting a TFS region of a disk, the inode table, and when buffered log
// records and times reach the disk (after a second, on sync, at exit).
#include "fs/tfs_volume.h"
#include "fs/tfs_inode.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "sched/kernel_lock.h"
#include "time/clock.h"

namespace {

class HeapAllocator final : public common::Allocator {
  public:
    void* allocate(size_t size, size_t align) override {
        // kmalloc blocks are 16-byte aligned (pages for large ones); TFS never asks for more.
        return align <= 16 ? kmalloc(size) : nullptr;
    }
    void deallocate(void* p, size_t) override { kfree(p); }
};

HeapAllocator g_allocator;
TfsVolume* g_volumes;
// st_dev of the first volume; synthetic trees (/dev, /proc) report 1.
constexpr u64 FIRST_DEVICE_ID = 0x801;
u64 g_next_device_id = FIRST_DEVICE_ID;
// Buffered records older than this are written on the next change (Nanos: about a second).
constexpr u64 LOG_DELAY_NS = 1000000000;
// When the timer finds kernel code running, it looks again this much later.
constexpr u64 LOG_RETRY_NS = 50000000;
// statfs f_type: TFS has no magic number of its own; these bytes spell "TFS5".
constexpr u64 TFS_MAGIC = 0x54465335;

u64 hash_pointer(const void* p) {
    u64 x = u64(p) >> 4;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

} // namespace

Errno errno_of(tfs::Error error) {
    switch (error) {
    case tfs::Error::none:
        return Errno(0);
    case tfs::Error::no_space:
        return Errno::ENOSPC;
    case tfs::Error::exists:
        return Errno::EEXIST;
    case tfs::Error::not_empty:
        return Errno::ENOTEMPTY;
    case tfs::Error::is_a_directory:
        return Errno::EISDIR;
    case tfs::Error::not_a_directory:
        return Errno::ENOTDIR;
    case tfs::Error::not_found:
        return Errno::ENOENT;
    case tfs::Error::name_too_long:
        return Errno::ENAMETOOLONG;
    case tfs::Error::invalid_argument:
        return Errno::EINVAL;
    case tfs::Error::no_memory:
        return Errno::ENOMEM;
    case tfs::Error::not_a_file:
        return Errno::EINVAL;
    default:
        return Errno::EIO;
    }
}

TfsVolume::TfsVolume(DiskAccess* access, u64 bytes) : m_access(access), m_bytes(bytes) {}

Result<TfsVolume*> TfsVolume::mount(virtio::BlockDevice* disk, u64 base, u64 bytes,
                                    MountMode mode) {
    auto* access = make<DiskAccess>(disk, base, bytes);
    void* memory = access ? kmalloc(sizeof(TfsVolume)) : nullptr;
    auto* volume = memory ? new (memory) TfsVolume(access, bytes) : nullptr;
    if (!volume)
        return Errno::ENOMEM;
    tfs::MountOptions options;
    options.fs_bytes = bytes;
    if (mode == MountMode::ReadWrite && !disk->read_only()) {
        auto* writer = make<tfs::MutableFilesystem>(g_allocator);
        if (!writer)
            return Errno::ENOMEM;
        tfs::Error error = writer->mount(*access, *access, options);
        if (error == tfs::Error::none) {
            volume->m_writer = writer;
        } else {
            kprintf("ops kernel: a filesystem is mounted read-only: its log cannot be continued "
                    "(%s)\n",
                    tfs::error_name(error));
            destroy(writer);
        }
    }
    if (!volume->m_writer) {
        auto* reader = make<tfs::Filesystem>(g_allocator);
        if (!reader)
            return Errno::ENOMEM;
        tfs::Error error = reader->mount(*access, options);
        if (error != tfs::Error::none) {
            kprintf("ops kernel: a filesystem is unreadable (%s)\n", tfs::error_name(error));
            return Errno::EIO;
        }
        volume->m_reader = reader;
    }
    volume->m_device_id = g_next_device_id++;
    volume->m_next = g_volumes;
    g_volumes = volume;
    return volume;
}

TfsVolume* TfsVolume::first() {
    return g_volumes;
}

Result<TfsInode*> TfsVolume::inode_for(const tfs::Value* node) {
    if (!node)
        return Errno::ENOENT;
    if (m_inode_capacity) {
        for (u64 i = hash_pointer(node) & (m_inode_capacity - 1);;
             i = (i + 1) & (m_inode_capacity - 1)) {
            if (!m_inodes[i])
                break;
            if (m_inodes[i]->node() == node)
                return m_inodes[i];
        }
    }
    if (2 * (m_inode_count + 1) > m_inode_capacity) {
        u64 capacity = m_inode_capacity ? 2 * m_inode_capacity : 256;
        auto** table = static_cast<TfsInode**>(kmalloc(capacity * sizeof(TfsInode*)));
        if (!table)
            return Errno::ENOMEM;
        for (u64 j = 0; j < m_inode_capacity; j++) {
            if (!m_inodes[j])
                continue;
            u64 i = hash_pointer(m_inodes[j]->node()) & (capacity - 1);
            while (table[i])
                i = (i + 1) & (capacity - 1);
            table[i] = m_inodes[j];
        }
        kfree(m_inodes);
        m_inodes = table;
        m_inode_capacity = capacity;
    }
    auto* inode = make<TfsInode>(*this, node);
    if (!inode)
        return Errno::ENOMEM;
    u64 i = hash_pointer(node) & (m_inode_capacity - 1);
    while (m_inodes[i])
        i = (i + 1) & (m_inode_capacity - 1);
    m_inodes[i] = inode;
    m_inode_count++;
    return inode;
}

Result<Inode*> TfsVolume::root() {
    if (!reader().root())
        return Errno::EIO;
    return static_cast<Inode*>(TRY(inode_for(reader().root())));
}

void TfsVolume::start_log_timer() {
    m_oldest_change_ns = monotonic_ns();
    m_log_timer.fire = log_timer_fired;
    timer_start(&m_log_timer, m_oldest_change_ns + LOG_DELAY_NS);
}

void TfsVolume::changed() {
    if (!m_oldest_change_ns) {
        start_log_timer();
        return;
    }
    if (monotonic_ns() - m_oldest_change_ns < LOG_DELAY_NS)
        return;
    (void)write_log(); // an error stays buffered and is reported by the next sync
}

void TfsVolume::pages_dirtied(TfsInode* inode) {
    if (!inode->on_dirty_pages_list) {
        inode->next_dirty_pages = m_dirty_pages;
        m_dirty_pages = inode;
        inode->on_dirty_pages_list = true;
    }
    // Only the timer: this runs inside a page fault, which must not write pages back.
    if (!m_oldest_change_ns)
        start_log_timer();
}

void TfsVolume::forget_dirty_pages(TfsInode* inode) {
    if (!inode->on_dirty_pages_list)
        return;
    for (TfsInode** p = &m_dirty_pages; *p; p = &(*p)->next_dirty_pages) {
        if (*p == inode) {
            *p = inode->next_dirty_pages;
            break;
        }
    }
    inode->next_dirty_pages = nullptr;
    inode->on_dirty_pages_list = false;
}

void TfsVolume::add_dirty_times(TfsInode* inode) {
    inode->next_dirty = m_dirty;
    m_dirty = inode;
}

void TfsVolume::forget_dirty_times(TfsInode* inode) {
    for (TfsInode** p = &m_dirty; *p; p = &(*p)->next_dirty) {
        if (*p == inode) {
            *p = inode->next_dirty;
            inode->next_dirty = nullptr;
            return;
        }
    }
}

Result<void> TfsVolume::write_log() {
    if (!writer())
        return {};
    // Data before the records that point to it: pages first. A file whose pages cannot be
    // written (ENOSPC) keeps them dirty without holding back every other change.
    Result<void> pages_written;
    for (TfsInode** link = &m_dirty_pages; *link;) {
        TfsInode* inode = *link;
        if (auto written = inode->write_back_pages(); written.is_error()) {
            pages_written = written;
            link = &inode->next_dirty_pages;
            continue;
        }
        *link = inode->next_dirty_pages;
        inode->next_dirty_pages = nullptr;
        inode->on_dirty_pages_list = false;
    }
    while (m_dirty) {
        TfsInode* inode = m_dirty;
        TRY(inode->log_times());
        m_dirty = inode->next_dirty;
        inode->next_dirty = nullptr;
    }
    tfs::Error error = m_writer->flush();
    if (error != tfs::Error::none)
        return errno_of(error);
    if (pages_written.is_error())
        return pages_written; // the timer stays armed and tries again
    m_oldest_change_ns = 0;
    timer_cancel(&m_log_timer);
    return {};
}

void TfsVolume::log_timer_fired(KernelTimer* timer) {
    TfsVolume* volume = timer_owner<TfsVolume, &TfsVolume::m_log_timer>(timer);
    // Depth 1: the interrupt came from the program or an idle CPU, so no kernel code is running
    // anywhere (the lock is exclusive) and the filesystem is between operations.
    if (kernel_lock_depth() > 1) {
        timer_start(timer, monotonic_ns() + LOG_RETRY_NS);
        return;
    }
    if (volume->m_oldest_change_ns && volume->write_log().is_error())
        timer_start(timer, monotonic_ns() + LOG_DELAY_NS); // I/O error: try again later
}

Result<void> TfsVolume::sync() {
    if (!writer())
        return {};
    TRY(write_log());
    if (!m_access->flush())
        return Errno::EIO;
    return {};
}

FilesystemStats TfsVolume::stats() {
    FilesystemStats stats;
    stats.block_size = 4096;
    stats.total_blocks = m_bytes / 4096;
    stats.free_blocks = m_writer ? m_writer->free_sectors() / 8 : 0;
    stats.magic = TFS_MAGIC;
    stats.read_only = read_only();
    return stats;
}

void tfs_sync_all() {
    for (TfsVolume* v = TfsVolume::first(); v; v = v->next()) {
        auto result = v->sync();
        if (result.is_error())
            kprintf("ops kernel: writing a filesystem to disk failed (%s)\n",
                    errno_name(result.error()));
    }
}
