// host_allocator.h: the common::Allocator that ops passes to common/ code (tfs::Builder,
// tfs::Filesystem): plain malloc, so running out of memory is an ordinary error there.
#pragma once

#include "common/base/allocator.h"

#include <cstddef>
#include <cstdlib>

namespace ops {

class HostAllocator final : public common::Allocator {
public:
    void* allocate(std::size_t size, std::size_t align) override {
        // malloc already aligns to max_align_t, which covers every type common/ allocates.
        if (align > alignof(std::max_align_t))
            return std::aligned_alloc(align, (size + align - 1) / align * align);
        return std::malloc(size ? size : 1);
    }
    void deallocate(void* p, std::size_t) override { std::free(p); }
};

} // namespace ops
