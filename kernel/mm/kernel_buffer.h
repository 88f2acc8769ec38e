// kernel_buffer.h: a heap buffer owned by one scope, for moving data between the program and a
// file or socket in steps (the bounce buffer of read/write/send/recv). Not zeroed: only the
// bytes a step produced are copied out of it.
#pragma once

#include "mm/heap.h"

class KernelBuffer {
  public:
    explicit KernelBuffer(u64 size)
        : m_data(static_cast<u8*>(kmalloc_uninitialized(size ? size : 1))) {}
    ~KernelBuffer() { kfree(m_data); }
    KernelBuffer(const KernelBuffer&) = delete;
    KernelBuffer& operator=(const KernelBuffer&) = delete;
    u8* data() { return m_data; }
    bool ok() const { return m_data; }

  private:
    u8* m_data;
};
