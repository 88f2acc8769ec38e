// arena.cpp: chunked bump allocator over common::Allocator. Large requests get their own chunk so
// the current chunk keeps serving small ones.
#include "common/tfs/arena.h"

namespace tfs {

static size_t align_up(size_t v, size_t align) {
    return (v + align - 1) & ~(align - 1);
}

void* Arena::allocate(size_t size, size_t align) {
    if (size == 0)
        size = 1;
    if (align < alignof(std::max_align_t))
        align = alignof(std::max_align_t);
    const size_t header = align_up(sizeof(Chunk), alignof(std::max_align_t));
    if (m_chunks) {
        size_t start = align_up(m_chunks->used, align);
        if (start <= m_chunks->size && size <= m_chunks->size - start) {
            m_chunks->used = start + size;
            m_last = reinterpret_cast<uint8_t*>(m_chunks) + header + start;
            return m_last;
        }
    }
    if (size > SIZE_MAX - header - align)
        return nullptr;
    bool dedicated = size > kChunkBytes / 4;
    size_t usable = dedicated ? align_up(size, align) : kChunkBytes;
    void* raw = m_allocator.allocate(header + usable, alignof(std::max_align_t));
    if (!raw)
        return nullptr;
    Chunk* chunk = static_cast<Chunk*>(raw);
    chunk->size = usable;
    chunk->used = size;
    uint8_t* data = static_cast<uint8_t*>(raw) + header;
    if (dedicated && m_chunks) {
        // Keep the current bump chunk first; the dedicated one goes behind it.
        chunk->next = m_chunks->next;
        m_chunks->next = chunk;
        chunk->used = usable;
        return data;
    }
    chunk->next = m_chunks;
    m_chunks = chunk;
    m_last = data;
    return data;
}

void* Arena::reallocate(void* old, size_t old_size, size_t new_size, size_t align) {
    if (old && old == m_last && m_chunks) {
        const size_t header = align_up(sizeof(Chunk), alignof(std::max_align_t));
        size_t start =
            size_t(static_cast<uint8_t*>(old) - reinterpret_cast<uint8_t*>(m_chunks)) - header;
        if (new_size <= m_chunks->size - start) {
            m_chunks->used = start + new_size;
            return old;
        }
    }
    void* fresh = allocate(new_size, align);
    if (fresh && old)
        copy_bytes(static_cast<uint8_t*>(fresh), static_cast<const uint8_t*>(old),
                   old_size < new_size ? old_size : new_size);
    return fresh;
}

void Arena::release() {
    const size_t header = align_up(sizeof(Chunk), alignof(std::max_align_t));
    while (m_chunks) {
        Chunk* next = m_chunks->next;
        m_allocator.deallocate(m_chunks, header + m_chunks->size);
        m_chunks = next;
    }
    m_last = nullptr;
}

} // namespace tfs
