// mapped_file.h: what the address space needs from a file behind a mapping, so mm/ does not
// depend on fs/: its page cache (whose pages the mapping maps), making it durable (msync), and
// keeping it open while any region refers to it. linux/mm_calls.cpp implements it over an open
// file.
#pragma once

#include "lib/result.h"
#include "lib/types.h"

class PageCache;

class MappedFile {
  public:
    // One more region refers to the file / one fewer (the last release closes it). Never block.
    virtual void acquire() = 0;
    virtual void release() = 0;
    // The file's page cache (mm/page_cache.h), which read()/write() share. Never null.
    virtual PageCache* page_cache() = 0;
    // Writes the file's dirty pages back and makes them durable on the disk (msync MS_SYNC).
    // May block on the disk.
    virtual Result<void> sync() = 0;

  protected:
    ~MappedFile() = default;
};

// A file region's backing: the file, the file offset of the region's first byte, and whether
// the mapping is MAP_SHARED (stores reach the file's pages) or MAP_PRIVATE (a store copies the
// page first).
struct FileBacking {
    MappedFile* file = nullptr;
    u64 offset = 0;
    bool shared = false;
    bool may_write = false; // shared only: the descriptor allowed writing (mprotect may add it)
};
