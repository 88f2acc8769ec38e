// mm_calls.cpp: mmap family argument checks; the work is in mm/address_space.cpp. File
// mappings map the file's cached pages (mm/page_cache.h), the same ones read() and write() use,
// so every MAP_SHARED mapping and the file show a store at once; dirty pages reach the disk
// within a second, on msync(MS_SYNC), fsync and exit.
#include "fs/open_file.h"
#include "linux/abi/structs.h"
#include "linux/process.h"
#include "linux/syscalls.h"
#include "mm/address_space.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/region_names.h"

namespace {

constexpr int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
constexpr int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_SHARED_VALIDATE = 0x03;
constexpr int MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_POPULATE = 0x8000;
constexpr int MAP_FIXED_NOREPLACE = 0x100000;
constexpr int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;

// A file mapping's hold on an open file description: one reference on the description for as
// long as any region (or piece of one after munmap/mprotect splits) refers to it.
class OpenFileMapping final : public MappedFile {
  public:
    static Result<OpenFileMapping*> create(OpenFile* file) {
        auto* mapping = make<OpenFileMapping>(file);
        if (!mapping)
            return Errno::ENOMEM;
        return mapping;
    }
    explicit OpenFileMapping(OpenFile* file) : m_file(file) { file->references++; }

    void acquire() override { m_regions++; }
    void release() override {
        if (--m_regions)
            return;
        open_file_release(m_file);
        destroy(this);
    }
    PageCache* page_cache() override { return m_file->inode->page_cache(); }
    Result<void> sync() override { return m_file->inode->sync(); }

  private:
    OpenFile* m_file;
    u32 m_regions = 0;
};

Protection protection_of(int prot) {
    Protection p = Protection::None;
    if (prot & PROT_READ)
        p = p | Protection::Read;
    if (prot & PROT_WRITE)
        p = p | Protection::Write | Protection::Read;
    if (prot & PROT_EXEC)
        p = p | Protection::Execute | Protection::Read;
    return p;
}

// MAP_POPULATE: fault every page in now, as Linux does; like Linux, a failure here does not fail
// the mmap (the page faults again on first touch).
u64 populated(u64 start, u64 length, int prot, int flags) {
    if ((flags & MAP_POPULATE) && prot != 0)
        (void)current_address_space().populate(start, length);
    return start;
}

Result<u64> map_file(u64 address, u64 length, int prot, int flags, int fd, u64 offset,
                     MapPlacement placement) {
    int type = flags & 3;
    OpenFile* file = TRY(current_process().fds.get(fd));
    if (!file->readable())
        return Errno::EACCES;
    // Files without a page cache (synthetic /proc files) cannot be mapped, as on Linux.
    if (file->inode->type() != InodeType::Regular || !file->inode->page_cache())
        return Errno::ENODEV;
    bool shared = type != MAP_PRIVATE;
    // Linux: a shared mapping may be written only through a descriptor open for writing, and
    // never through an append-only one; mprotect checks the same later (may_write).
    bool may_write = file->writable() && !(file->flags & u32(linux_flags::O_APPEND));
    if (shared && (prot & PROT_WRITE) && !may_write)
        return Errno::EACCES;
    if (offset + align_up(length, PAGE_SIZE) < offset)
        return Errno::EOVERFLOW;
    OpenFileMapping* mapping = TRY(OpenFileMapping::create(file));
    // The region's reference keeps the mapping alive; take one here so a failed map() that
    // never took its own still frees it below.
    mapping->acquire();
    auto start = current_address_space().map(address, length, protection_of(prot), placement,
                                             intern_region_name(file->path),
                                             FileBacking{mapping, offset, shared, may_write});
    mapping->release();
    return start;
}

} // namespace

Result<u64> sys_mmap(u64 address, u64 length, int prot, int flags, int fd, u64 offset) {
    if (length == 0 || offset % PAGE_SIZE || (prot & ~7))
        return Errno::EINVAL;
    int type = flags & 3;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
        return Errno::EINVAL;
    MapPlacement placement = MapPlacement::Anywhere;
    if (flags & MAP_FIXED_NOREPLACE)
        placement = MapPlacement::FixedNoReplace;
    else if (flags & MAP_FIXED)
        placement = MapPlacement::Fixed;
    else if (address)
        placement = MapPlacement::Hint;

    u64 start;
    if (flags & MAP_ANONYMOUS)
        start = TRY(current_address_space().map(address, length, protection_of(prot), placement));
    else
        start = TRY(map_file(address, length, prot, flags, fd, offset, placement));
    return populated(start, length, prot, flags);
}

Result<u64> sys_mprotect(u64 address, u64 length, int prot) {
    if (prot & ~7)
        return Errno::EINVAL;
    TRY(current_address_space().protect(address, length, protection_of(prot)));
    return 0;
}

Result<u64> sys_munmap(u64 address, u64 length) {
    TRY(current_address_space().unmap(address, length));
    return 0;
}

Result<u64> sys_brk(u64 address) {
    return current_address_space().brk(address);
}

Result<u64> sys_msync(u64 address, u64 length, int flags) {
    constexpr int MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
    if (address % PAGE_SIZE || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
        ((flags & MS_ASYNC) && (flags & MS_SYNC)))
        return Errno::EINVAL;
    // MS_ASYNC writes back at once too (the program cannot tell the difference); MS_SYNC also
    // waits until the file is on the disk. MS_INVALIDATE has nothing to do: no other mapping of
    // the file holds a separate copy of these pages.
    TRY(current_address_space().sync(address, length,
                                     flags & MS_SYNC ? SyncMode::Durable : SyncMode::WriteBack));
    return 0;
}

Result<u64> sys_mremap(u64 old_address, u64 old_length, u64 new_length, int flags,
                       u64 new_address) {
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED))
        return Errno::EINVAL;
    return current_address_space().remap(old_address, old_length, new_length,
                                         flags & MREMAP_MAYMOVE, flags & MREMAP_FIXED, new_address);
}

Result<u64> sys_madvise(u64 address, u64 length, int advice) {
    constexpr int MADV_DONTNEED = 4;
    if (address % PAGE_SIZE)
        return Errno::EINVAL;
    // Other advice is a hint Linux may ignore, and so do we; DONTNEED must zero the pages.
    if (advice == MADV_DONTNEED)
        TRY(current_address_space().discard(address, length));
    return 0;
}
