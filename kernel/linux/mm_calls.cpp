// mm_calls.cpp: mmap family argument checks; the work is in mm/address_space.cpp. Private file
// mappings are filled by reading the file (a copy, as MAP_PRIVATE semantics allow); shared
// file mappings need the page cache and return ENODEV until it lands.
#include "fs/open_file.h"
#include "linux/process.h"
#include "linux/syscalls.h"
#include "mm/address_space.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/region_names.h"

namespace {

constexpr int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
constexpr int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_SHARED_VALIDATE = 0x03;
constexpr int MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
constexpr int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;

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

    OpenFile* file = nullptr;
    if (!(flags & MAP_ANONYMOUS)) {
        file = TRY(current_process().fds.get(fd));
        if (!file->readable())
            return Errno::EACCES;
        if (file->inode->type() != InodeType::Regular)
            return Errno::ENODEV;
        if (type != MAP_PRIVATE && (prot & PROT_WRITE))
            return Errno::ENODEV; // FIXME: shared writable file mappings need the page cache
    }
    AddressSpace& space = current_address_space();
    u64 start = TRY(space.map(address, length, protection_of(prot), placement,
                              file ? intern_region_name(file->path) : nullptr));
    if (file) {
        // Fill from the file now; bytes past its end stay zero.
        u64 size = file->inode->size();
        u64 available = offset < size ? min(length, size - offset) : 0;
        constexpr u64 CHUNK = 64 * KiB;
        u8* buffer = available ? static_cast<u8*>(kmalloc(CHUNK)) : nullptr;
        if (available && !buffer) {
            (void)space.unmap(start, length);
            return Errno::ENOMEM;
        }
        for (u64 done = 0; done < available;) {
            u64 n = min(available - done, CHUNK);
            auto got = file->inode->read(offset + done, buffer, n);
            if (got.is_error() || space.write_bytes(start + done, buffer, got.value()).is_error()) {
                kfree(buffer);
                (void)space.unmap(start, length);
                return Errno::EIO;
            }
            if (got.value() < n)
                break;
            done += n;
        }
        kfree(buffer);
    }
    return start;
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

Result<u64> sys_brk(u64 address) { return current_address_space().brk(address); }

Result<u64> sys_mremap(u64 old_address, u64 old_length, u64 new_length, int flags,
                       u64 new_address) {
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED))
        return Errno::EINVAL;
    return current_address_space().remap(old_address, old_length, new_length,
                                         flags & MREMAP_MAYMOVE, flags & MREMAP_FIXED,
                                         new_address);
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
