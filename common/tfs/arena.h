// arena.h: bump allocation in chunks taken from a common::Allocator, all freed together. The value
// tree lives in one; individual objects are never freed, which keeps the reader allocation-light.
#pragma once

#include "common/base/allocator.h"

#include <cstddef>
#include <cstdint>

namespace tfs {

class Arena {
  public:
    explicit Arena(common::Allocator& allocator) : m_allocator(allocator) {}
    ~Arena() { release(); }
    Arena(const Arena&) = delete;
    Arena& operator=(const Arena&) = delete;

    // Returns nullptr when the allocator is out of memory. Never allocates 0 bytes.
    void* allocate(size_t size, size_t align = alignof(std::max_align_t));
    // Grows the most recent allocation in place when possible, else copies. old may be nullptr.
    void* reallocate(void* old, size_t old_size, size_t new_size, size_t align);
    // Frees every chunk.
    void release();
    common::Allocator& allocator() const { return m_allocator; }

  private:
    struct Chunk {
        Chunk* next;
        size_t size; // bytes usable after the header
        size_t used;
    };
    static constexpr size_t kChunkBytes = 64 * 1024;

    common::Allocator& m_allocator;
    Chunk* m_chunks = nullptr; // current (bump) chunk first
    void* m_last = nullptr;    // start of the latest allocation in the current chunk
};

// Copies n bytes; common/ has no libc.
inline void copy_bytes(uint8_t* dst, const uint8_t* src, size_t n) {
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
}
inline void fill_zero(uint8_t* dst, size_t n) {
    for (size_t i = 0; i < n; i++)
        dst[i] = 0;
}

} // namespace tfs
