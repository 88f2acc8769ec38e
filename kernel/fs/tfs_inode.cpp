// tfs_inode.cpp: TfsInode: a node tuple of a mounted TFS as a VFS inode. Reads go through
// common/tfs/filesystem.h, changes through MutableFilesystem (tfs_volume.h owns it); this file
// adds what Linux expects on top: errno mapping, orphans of open files, stable getdents
// positions, modification times kept in memory until the next sync.
#include "fs/tfs_inode.h"
#include "fs/tfs_volume.h"
#include "fs/vfs.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "time/clock.h"

namespace {

constexpr u64 NS_PER_SECOND = 1000000000;

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

common::Bytes name_bytes(const char* name) {
    return common::Bytes(reinterpret_cast<const u8*>(name), strlen(name));
}

Result<void> check(tfs::Error error) {
    if (error != tfs::Error::none)
        return errno_of(error);
    return {};
}

bool is_dot_name(common::Bytes name) {
    return name.size() == 0 || (name.size() == 1 && name[0] == '.') ||
           (name.size() == 2 && name[0] == '.' && name[1] == '.');
}

u64 counter_for_unnamed;

} // namespace

u64 tfs_time_from_ns(u64 ns) {
    u64 seconds = ns / NS_PER_SECOND;
    u64 fraction = ((ns % NS_PER_SECOND) << 32) / NS_PER_SECOND;
    return (seconds << 32) | fraction;
}

u64 tfs_time_to_ns(u64 fixed) {
    u64 seconds = fixed >> 32;
    u64 fraction = ((fixed & 0xffffffffull) * NS_PER_SECOND + (1ull << 31)) >> 32;
    return seconds * NS_PER_SECOND + fraction;
}

TfsInode::TfsInode(TfsVolume& volume, const tfs::Value* node)
    : Inode(type_of(node)), m_volume(volume), m_node(node) {}

bool TfsInode::is_mutable() const {
    return m_volume.writer() && !m_unlinked;
}

void TfsInode::touch() {
    m_modified_ns = realtime_ns();
    m_changed_ns = m_modified_ns;
    if (!m_times_dirty && !m_unlinked) {
        m_volume.add_dirty_times(this);
        m_times_dirty = true;
    }
}

Result<void> TfsInode::log_times() {
    if (!m_times_dirty)
        return {};
    if (!m_unlinked) {
        tfs::NodeTimes times;
        times.set_mtime = true;
        times.mtime = tfs_time_from_ns(m_modified_ns);
        TRY(check(m_volume.writer()->set_times(m_node, times)));
    }
    m_times_dirty = false;
    return {};
}

// --- metadata ---

u64 TfsInode::size() {
    if (type() == InodeType::Symlink) {
        common::Bytes target;
        return tfs::symlink_target(m_node, &target) ? target.size() : 0;
    }
    if (type() == InodeType::Directory)
        return 4096;
    u64 length = 0;
    if (tfs::file_length(m_node, &length) != tfs::Error::none)
        return 0;
    return length;
}

u64 TfsInode::modified_ns() {
    if (m_times_dirty)
        return m_modified_ns;
    u64 fixed = 0;
    tfs::value_as_u64(tfs::tuple_get(m_node, "mtime"), &fixed);
    return tfs_time_to_ns(fixed);
}

u64 TfsInode::accessed_ns() {
    u64 fixed = 0;
    if (!tfs::value_as_u64(tfs::tuple_get(m_node, "atime"), &fixed))
        return modified_ns();
    return tfs_time_to_ns(fixed);
}

u64 TfsInode::changed_ns() {
    return m_changed_ns ? m_changed_ns : modified_ns();
}

u64 TfsInode::link_count() {
    if (m_unlinked)
        return 0;
    if (type() != InodeType::Directory)
        return tfs::link_count(m_node);
    u64 count = 2;
    const tfs::Value* entries = tfs::directory_entries(m_node);
    for (size_t i = 0; entries && i < entries->entry_count(); i++)
        if (!is_dot_name(entries->entry(i).name) &&
            tfs::node_type(entries->entry(i).value) == tfs::NodeType::directory)
            count++;
    return count;
}

u64 TfsInode::allocated_bytes() {
    if (type() != InodeType::Regular)
        return 0;
    return tfs::allocated_bytes(m_node);
}

u64 TfsInode::device_id() {
    return m_volume.device_id();
}
FilesystemStats TfsInode::filesystem_stats() {
    return m_volume.stats();
}
bool TfsInode::writable() {
    return m_volume.writer() && !m_released;
}

// --- files ---

Result<size_t> TfsInode::read(u64 offset, u8* buffer, size_t length) {
    if (type() == InodeType::Directory)
        return Errno::EISDIR;
    if (type() != InodeType::Regular)
        return Errno::EINVAL;
    if (m_released)
        return size_t(0);
    u64 file_size = size();
    if (offset >= file_size)
        return size_t(0);
    length = min<u64>(length, file_size - offset);
    PageCache* cache = page_cache();
    if (!cache)
        return Errno::ENOMEM;
    return size_t(TRY(cache->read(offset, buffer, length)));
}

Result<u64> TfsInode::store_read(u64 offset, u8* buffer, u64 length) {
    size_t done = 0;
    TRY(check(
        m_volume.reader().read_file(m_node, offset, common::MutableBytes(buffer, length), &done)));
    return u64(done);
}

Result<size_t> TfsInode::write_to_disk(u64 offset, const u8* buffer, size_t length) {
    tfs::MutableFilesystem* writer = m_volume.writer();
    size_t done = 0;
    tfs::Error error = writer->write(m_node, offset, common::Bytes(buffer, length), &done);
    if (error == tfs::Error::no_space) {
        // Space freed by earlier removals becomes usable only once their records are written.
        if (writer->flush() == tfs::Error::none) {
            size_t more = 0;
            error = writer->write(m_node, offset + done,
                                  common::Bytes(buffer + done, length - done), &more);
            done += more;
        }
    }
    if (done)
        return done;
    if (error == tfs::Error::invalid_argument)
        return Errno::EFBIG;
    TRY(check(error));
    return done;
}

Result<size_t> TfsInode::write(u64 offset, const u8* buffer, size_t length) {
    if (type() == InodeType::Directory)
        return Errno::EISDIR;
    if (!m_volume.writer() || m_released)
        return Errno::EROFS;
    u64 old_size = size();
    size_t done = TRY(write_to_disk(offset, buffer, length));
    if (!done)
        return done;
    // The cached pages (and so every mapping) show the new bytes at once.
    if (m_cache) {
        if (offset + done > old_size)
            m_cache->grew(old_size);
        m_cache->wrote(offset, buffer, done);
    }
    m_change_count++;
    touch();
    m_volume.changed();
    return done;
}

Result<void> TfsInode::store_write(u64 offset, const u8* buffer, u64 length) {
    if (!m_volume.writer() || m_released)
        return Errno::EROFS;
    size_t done = TRY(write_to_disk(offset, buffer, length));
    if (done != length)
        return Errno::ENOSPC; // the only reason MutableFilesystem stops short
    m_change_count++;
    return {};
}

void TfsInode::store_pages_dirtied() {
    m_change_count++;
    touch(); // as Linux, a store through a shared mapping updates the modification time
    m_volume.pages_dirtied(this);
}

PageCache* TfsInode::page_cache() {
    if (type() != InodeType::Regular || m_released)
        return nullptr;
    if (!m_cache)
        m_cache = make<PageCache>(static_cast<PageStore&>(*this));
    return m_cache;
}

Result<void> TfsInode::write_back_pages() {
    if (!m_cache)
        return {};
    return m_cache->write_back();
}

void TfsInode::drop_pages() {
    m_volume.forget_dirty_pages(this);
    if (m_cache)
        m_cache->drop_all();
}

Result<void> TfsInode::truncate(u64 length) {
    if (type() == InodeType::Directory)
        return Errno::EISDIR;
    if (type() != InodeType::Regular)
        return Errno::EINVAL;
    tfs::MutableFilesystem* writer = m_volume.writer();
    if (!writer || m_released)
        return Errno::EROFS;
    u64 old_size = size();
    tfs::Error error = writer->truncate(m_node, length);
    if (error == tfs::Error::invalid_argument)
        return Errno::EFBIG;
    TRY(check(error));
    if (m_cache && length < old_size)
        m_cache->shrank(length);
    else if (m_cache && length > old_size)
        m_cache->grew(old_size);
    m_change_count++;
    touch();
    m_volume.changed();
    return {};
}

Result<void> TfsInode::allocate(u64 offset, u64 length, bool keep_size) {
    if (type() == InodeType::Directory)
        return Errno::EISDIR;
    if (type() != InodeType::Regular)
        return Errno::ENODEV;
    tfs::MutableFilesystem* writer = m_volume.writer();
    if (!writer || m_released)
        return Errno::EROFS;
    tfs::SizeChange change = keep_size ? tfs::SizeChange::keep : tfs::SizeChange::grow;
    u64 old_size = size();
    tfs::Error error = writer->allocate(m_node, offset, length, change);
    if (error == tfs::Error::no_space && writer->flush() == tfs::Error::none)
        error = writer->allocate(m_node, offset, length, change);
    if (error == tfs::Error::invalid_argument)
        return Errno::EFBIG;
    TRY(check(error));
    if (m_cache && size() > old_size)
        m_cache->grew(old_size);
    m_change_count++;
    if (!keep_size)
        touch();
    m_volume.changed();
    return {};
}

Result<void> TfsInode::set_times(const InodeTimes& times) {
    tfs::MutableFilesystem* writer = m_volume.writer();
    if (!writer)
        return Errno::EROFS;
    if (m_unlinked)
        return {}; // nothing on disk refers to it any more
    tfs::NodeTimes fixed;
    fixed.set_atime = times.set_accessed;
    fixed.atime = tfs_time_from_ns(times.accessed_ns);
    fixed.set_mtime = times.set_modified || m_times_dirty;
    fixed.mtime = tfs_time_from_ns(times.set_modified ? times.modified_ns : m_modified_ns);
    TRY(check(writer->set_times(m_node, fixed)));
    if (m_times_dirty) {
        m_volume.forget_dirty_times(this);
        m_times_dirty = false;
    }
    m_changed_ns = realtime_ns();
    m_volume.changed();
    return {};
}

Result<void> TfsInode::sync() {
    TRY(write_back_pages()); // what mappings changed, then the log and the device
    return m_volume.sync();
}

Result<void> TfsInode::set_mode_bits(u32 bits) {
    if (!m_volume.writer())
        return Errno::EROFS;
    m_mode_bits = bits & 07777;
    m_changed_ns = realtime_ns();
    return {};
}

u32 TfsInode::mode_bits() {
    return m_mode_bits != ~0u ? m_mode_bits : Inode::mode_bits();
}

Result<size_t> TfsInode::read_link(char* buffer, size_t length) {
    common::Bytes target;
    if (type() != InodeType::Symlink || !tfs::symlink_target(m_node, &target))
        return Errno::EINVAL;
    size_t n = min(length, target.size());
    memcpy(buffer, target.data(), n);
    return n;
}

void TfsInode::release() {
    if (m_open)
        m_open--;
    if (m_open || !m_unlinked || m_released || type() != InodeType::Regular)
        return;
    // The last user of a file without names: its blocks are free after the next log write.
    if (m_volume.writer() && m_volume.writer()->release_orphan(m_node) == tfs::Error::none) {
        m_released = true;
        drop_pages();
        m_volume.changed();
    }
}

// --- directories ---

Result<TfsInode*> TfsInode::child(const char* name) {
    const tfs::Value* node = tfs::lookup_child(m_node, name_bytes(name));
    if (!node || is_dot_name(name_bytes(name)))
        return Errno::ENOENT;
    return m_volume.inode_for(node);
}

Result<Inode*> TfsInode::lookup(const char* name) {
    if (type() != InodeType::Directory)
        return Errno::ENOTDIR;
    return static_cast<Inode*>(TRY(child(name)));
}

Result<void> TfsInode::listing_ready() {
    if (m_listed)
        return {};
    const tfs::Value* entries = tfs::directory_entries(m_node);
    u64 count = entries ? entries->entry_count() : 0;
    for (u64 i = 0; i < count; i++) {
        const tfs::Entry& e = entries->entry(i);
        if (is_dot_name(e.name))
            continue;
        char* name = static_cast<char*>(kmalloc(e.name.size() + 1));
        if (!name) {
            listing_drop();
            return Errno::ENOMEM;
        }
        memcpy(name, e.name.data(), e.name.size());
        name[e.name.size()] = 0;
        if (!listing_add(name, e.value))
            return Errno::ENOMEM;
    }
    m_listed = true;
    return {};
}

// Takes ownership of `name` (kmalloc'd). On allocation failure the listing is dropped (it is
// rebuilt from the tree on the next read) and the result is false.
bool TfsInode::listing_add(char* name, const tfs::Value* node) {
    if (m_slot_count == m_slot_capacity) {
        u64 capacity = m_slot_capacity ? 2 * m_slot_capacity : 16;
        auto* slots = static_cast<Slot*>(kmalloc(capacity * sizeof(Slot)));
        if (!slots) {
            kfree(name);
            listing_drop();
            return false;
        }
        if (m_slots)
            memcpy(slots, m_slots, m_slot_count * sizeof(Slot));
        kfree(m_slots);
        m_slots = slots;
        m_slot_capacity = capacity;
    }
    m_slots[m_slot_count++] = Slot{name, node};
    return true;
}

// A name was added to the directory (or now names another node): keeps a built listing in step.
void TfsInode::listing_note_added(const char* name, const tfs::Value* node) {
    if (!m_listed)
        return;
    for (u64 i = 0; i < m_slot_count; i++) {
        if (m_slots[i].name && str_equal(m_slots[i].name, name)) {
            m_slots[i].node = node;
            return;
        }
    }
    size_t length = strlen(name);
    char* copy = static_cast<char*>(kmalloc(length + 1));
    if (!copy) {
        listing_drop();
        return;
    }
    memcpy(copy, name, length + 1);
    listing_add(copy, node);
}

void TfsInode::listing_remove(const char* name) {
    if (!m_listed)
        return;
    for (u64 i = 0; i < m_slot_count; i++) {
        if (m_slots[i].name && str_equal(m_slots[i].name, name)) {
            kfree(m_slots[i].name);
            m_slots[i].name = nullptr;
            m_removed_slots++;
            return;
        }
    }
}

void TfsInode::listing_drop() {
    for (u64 i = 0; i < m_slot_count; i++)
        kfree(m_slots[i].name);
    kfree(m_slots);
    m_slots = nullptr;
    m_slot_count = m_slot_capacity = m_removed_slots = 0;
    m_listed = false;
}

Result<DirectoryEntry> TfsInode::entry_at(u64 index) {
    if (type() != InodeType::Directory)
        return Errno::ENOTDIR;
    // Nobody reads the directory: start from the tree again, dropping removed slots.
    if (m_open <= 1 && index == 0 && m_removed_slots)
        listing_drop();
    TRY(listing_ready());
    for (u64 i = index; i < m_slot_count; i++) {
        if (!m_slots[i].name)
            continue;
        TfsInode* inode = TRY(m_volume.inode_for(m_slots[i].node));
        return DirectoryEntry{m_slots[i].name, inode->number(), inode->type(), i + 1};
    }
    return Errno::ENOENT;
}

// --- changing directories ---

Result<Inode*> TfsInode::create_child(const char* name, InodeType type) {
    if (this->type() != InodeType::Directory)
        return Errno::ENOTDIR;
    if (!m_volume.writer())
        return Errno::EROFS;
    if (m_unlinked)
        return Errno::ENOENT; // a removed directory takes no new entries
    u64 now = tfs_time_from_ns(realtime_ns());
    const tfs::Value* node = nullptr;
    if (type == InodeType::Directory)
        TRY(check(m_volume.writer()->create_directory(m_node, name_bytes(name), now, &node)));
    else
        TRY(check(m_volume.writer()->create_file(m_node, name_bytes(name), now, &node)));
    listing_note_added(name, node);
    touch();
    m_volume.changed();
    return static_cast<Inode*>(TRY(m_volume.inode_for(node)));
}

Result<Inode*> TfsInode::create_symlink(const char* name, const char* target) {
    if (type() != InodeType::Directory)
        return Errno::ENOTDIR;
    if (!m_volume.writer())
        return Errno::EROFS;
    if (m_unlinked)
        return Errno::ENOENT;
    if (!target[0])
        return Errno::ENOENT; // as Linux: an empty target
    u64 now = tfs_time_from_ns(realtime_ns());
    const tfs::Value* node = nullptr;
    TRY(check(m_volume.writer()->create_symlink(m_node, name_bytes(name), name_bytes(target), now,
                                                &node)));
    listing_note_added(name, node);
    touch();
    m_volume.changed();
    return static_cast<Inode*>(TRY(m_volume.inode_for(node)));
}

Result<void> TfsInode::link_child(const char* name, Inode* target) {
    if (type() != InodeType::Directory)
        return Errno::ENOTDIR;
    if (target->device_id() != device_id())
        return Errno::EXDEV;
    if (!m_volume.writer())
        return Errno::EROFS;
    if (m_unlinked)
        return Errno::ENOENT;
    if (target->is_directory())
        return Errno::EPERM;
    // Same device: the target is a TfsInode of this volume.
    auto* file = static_cast<TfsInode*>(target);
    if (file->m_unlinked) {
        // Only an O_TMPFILE file may get a name back (Linux: ENOENT for other orphans).
        if (!file->m_unnamed || file->m_released)
            return Errno::ENOENT;
        TRY(check(m_volume.writer()->adopt(m_node, name_bytes(name), file->m_node)));
        file->m_unlinked = false;
        file->m_unnamed = false;
    } else {
        TRY(check(m_volume.writer()->link(m_node, name_bytes(name), file->m_node)));
    }
    file->m_changed_ns = realtime_ns();
    listing_note_added(name, file->m_node);
    touch();
    m_volume.changed();
    return {};
}

Result<void> TfsInode::remove_child(const char* name, RemoveKind kind) {
    if (type() != InodeType::Directory)
        return Errno::ENOTDIR;
    TfsInode* victim = TRY(child(name));
    if (kind == RemoveKind::File && victim->is_directory())
        return Errno::EISDIR;
    if (kind == RemoveKind::Directory && !victim->is_directory())
        return Errno::ENOTDIR;
    if (!m_volume.writer())
        return Errno::EROFS;
    if (vfs_is_mount_point(victim))
        return Errno::EBUSY;
    bool last_name = victim->type() != InodeType::Directory && tfs::link_count(victim->m_node) <= 1;
    tfs::LastName data = last_name && victim->m_open ? tfs::LastName::keep : tfs::LastName::release;
    TRY(check(m_volume.writer()->remove(m_node, name_bytes(name), data)));
    if (last_name || victim->is_directory()) {
        victim->m_unlinked = true;
        if (victim->m_times_dirty) {
            m_volume.forget_dirty_times(victim);
            victim->m_times_dirty = false;
        }
        if (!victim->m_open) {
            victim->m_released = true;
            victim->drop_pages();
        }
    }
    victim->m_changed_ns = realtime_ns();
    listing_remove(name);
    touch();
    m_volume.changed();
    return {};
}

Result<void> TfsInode::rename_child(const char* name, Inode* new_directory, const char* new_name,
                                    u32 flags) {
    if (type() != InodeType::Directory)
        return Errno::ENOTDIR;
    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
        return Errno::EINVAL;
    if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
        return Errno::EINVAL;
    if (new_directory->reserved_name(new_name))
        return Errno::EBUSY;
    Inode* destination = new_directory->backing_directory();
    if (destination->device_id() != device_id())
        return Errno::EXDEV;
    if (!destination->is_directory())
        return Errno::ENOTDIR;
    auto* target_dir = static_cast<TfsInode*>(destination);
    TfsInode* moving = TRY(child(name));
    auto replaced = target_dir->child(new_name);
    TfsInode* victim = replaced.is_error() ? nullptr : replaced.value();
    if (flags & RENAME_EXCHANGE) {
        // The writable TFS has no atomic exchange of two names; Linux answers EINVAL for
        // filesystems without it.
        return victim ? Errno::EINVAL : Errno::ENOENT;
    }
    if (victim && (flags & RENAME_NOREPLACE))
        return Errno::EEXIST;
    if (!m_volume.writer())
        return Errno::EROFS;
    if (target_dir->m_unlinked)
        return Errno::ENOENT;
    if (vfs_is_mount_point(moving) || (victim && vfs_is_mount_point(victim)))
        return Errno::EBUSY;
    if (victim == moving)
        return {};
    bool victim_last =
        victim && victim->type() != InodeType::Directory && tfs::link_count(victim->m_node) <= 1;
    tfs::LastName data =
        victim_last && victim->m_open ? tfs::LastName::keep : tfs::LastName::release;
    TRY(check(m_volume.writer()->rename(m_node, name_bytes(name), target_dir->m_node,
                                        name_bytes(new_name), data)));
    if (victim && (victim_last || victim->is_directory())) {
        victim->m_unlinked = true;
        if (victim->m_times_dirty) {
            m_volume.forget_dirty_times(victim);
            victim->m_times_dirty = false;
        }
        if (!victim->m_open) {
            victim->m_released = true;
            victim->drop_pages();
        }
    }
    moving->m_changed_ns = realtime_ns();
    listing_remove(name);
    target_dir->listing_note_added(new_name, moving->m_node);
    touch();
    if (target_dir != this)
        target_dir->touch();
    m_volume.changed();
    return {};
}

Result<Inode*> TfsInode::create_unnamed(bool linkable) {
    if (type() != InodeType::Directory)
        return Errno::ENOTDIR;
    tfs::MutableFilesystem* writer = m_volume.writer();
    if (!writer)
        return Errno::EROFS;
    if (m_unlinked)
        return Errno::ENOENT;
    // A file made under a passing name that goes again at once: nothing names it afterwards.
    char name[48];
    const tfs::Value* node = nullptr;
    for (int attempt = 0;; attempt++) {
        format(name, sizeof(name), ".ops-tmpfile-%lu", ++counter_for_unnamed);
        tfs::Error error =
            writer->create_file(m_node, name_bytes(name), tfs_time_from_ns(realtime_ns()), &node);
        if (error == tfs::Error::none)
            break;
        if (error != tfs::Error::exists || attempt == 100)
            return errno_of(error);
    }
    TRY(check(writer->remove(m_node, name_bytes(name), tfs::LastName::keep)));
    TfsInode* inode = TRY(m_volume.inode_for(node));
    inode->m_unlinked = true;
    inode->m_unnamed = linkable;
    m_volume.changed();
    return static_cast<Inode*>(inode);
}
