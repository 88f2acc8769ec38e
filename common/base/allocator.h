// allocator.h: the interface through which common/ code gets memory. The kernel passes its heap,
// the host passes malloc. common/ never allocates any other way.
#pragma once

#include <cstddef>

namespace common {

class Allocator {
  public:
    // Returns nullptr when out of memory; callers turn that into an error, never a crash.
    virtual void* allocate(size_t size, size_t align) = 0;
    virtual void deallocate(void* p, size_t size) = 0;

  protected:
    ~Allocator() = default;
};

} // namespace common
