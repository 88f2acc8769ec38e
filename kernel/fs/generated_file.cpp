// generated_file.cpp: generate the whole content on each read and copy the requested range, so
// every read sees a consistent snapshot from its offset.
#include "fs/generated_file.h"
#include "lib/string.h"
#include "mm/heap.h"

Result<size_t> GeneratedFile::read(u64 offset, u8* buffer, size_t length) {
    auto* content = static_cast<char*>(kmalloc(MAX_CONTENT));
    if (!content)
        return Errno::ENOMEM;
    size_t size = min(m_generate(content, MAX_CONTENT), MAX_CONTENT);
    size_t n = offset < size ? min<size_t>(length, size - offset) : 0;
    memcpy(buffer, content + offset, n);
    kfree(content);
    return n;
}
