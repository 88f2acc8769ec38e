// heap.h: the kernel heap. Small blocks come from per-size free lists, large ones are whole
// pages. Never called from interrupt handlers.
#pragma once

#include "lib/types.h"
#include <new>
#include <utility>

// Returns nullptr when out of memory. Memory is zeroed.
void* kmalloc(size_t size);
// The same without zeroing small blocks, for buffers the caller fills before reading them (the
// bounce buffers of read/write, the network stack's packet buffers): zeroing them cost more
// than the copies they serve.
void* kmalloc_uninitialized(size_t size);
void kfree(void* p);

// Allocates and constructs a T; nullptr when out of memory (callers return ENOMEM).
template <typename T, typename... Args>
T* make(Args&&... args) {
    void* p = kmalloc(sizeof(T));
    if (!p)
        return nullptr;
    return new (p) T(std::forward<Args>(args)...);
}

template <typename T>
void destroy(T* p) {
    if (!p)
        return;
    p->~T();
    kfree(p);
}
