// mapped_file.h: what the address space needs from a file behind a mapping, so mm/ does not
// depend on fs/: reading it (to fill pages), writing it back (MAP_SHARED) and keeping it open
// while any region refers to it. linux/mm_calls.cpp implements it over an open file.
#pragma once

#include "lib/result.h"
#include "lib/types.h"

class MappedFile {
  public:
    // One more region refers to the file / one fewer (the last release closes it). Never block.
    virtual void acquire() = 0;
    virtual void release() = 0;
    // Reads up to `length` bytes at `offset` into a kernel buffer; short at the end of the file.
    // May block on the disk.
    virtual Result<u64> read(u64 offset, u8* buffer, u64 length) = 0;
    // Writes bytes back into the file; never extends it (the caller clamps to size()).
    virtual Result<void> write(u64 offset, const u8* buffer, u64 length) = 0;
    virtual u64 size() = 0;
    // Makes what was written durable on the disk (msync MS_SYNC). May block on the disk.
    virtual Result<void> sync() = 0;

  protected:
    ~MappedFile() = default;
};

// A file region's backing: the file, the file offset of the region's first byte, and whether
// the mapping is MAP_SHARED (writes reach the file) or MAP_PRIVATE (a private copy).
struct FileBacking {
    MappedFile* file = nullptr;
    u64 offset = 0;
    bool shared = false;
    bool may_write = false; // shared only: the descriptor allowed writing (mprotect may add it)
};
