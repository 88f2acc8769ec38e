// heap.cpp: size-class allocator. Each block has a 16-byte header recording its class (or page
// count for large blocks) so kfree needs no size. Interrupt handlers allocate too (the network
// stack runs in its device's interrupt), so the free lists change only with interrupts off.
#include "mm/heap.h"
#include "arch/x86_64/interrupt_guard.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/physical.h"

namespace {

constexpr size_t HEADER = 16;
constexpr int CLASS_COUNT = 13; // 32 .. 131072 bytes including the header
// kmalloc uses the classes up to 8192 bytes and whole pages above. kmalloc_uninitialized also
// uses the larger ones: the 64 KiB bounce buffers of reads and writes come back to a free list
// instead of the page allocator, whose search and zeroing cost more than the copies they serve.
constexpr int ZEROED_CLASS_COUNT = 9;
constexpr size_t class_size(int c) { return size_t(32) << c; }
constexpr u64 LARGE_MARK = 0x4c41524745000000ull;

struct FreeBlock {
    FreeBlock* next;
};
FreeBlock* g_free[CLASS_COUNT];

bool refill(int c) {
    // Carve a 64 KiB slab (or one block, if larger) into blocks of this class.
    size_t block = class_size(c);
    size_t slab = max<size_t>(64 * KiB, block);
    auto phys = physical_allocate(slab / PAGE_SIZE);
    if (phys.is_error())
        return false;
    auto* base = static_cast<u8*>(phys_to_virt(phys.value()));
    for (size_t off = 0; off + block <= slab; off += block) {
        auto* b = reinterpret_cast<FreeBlock*>(base + off);
        b->next = g_free[c];
        g_free[c] = b;
    }
    return true;
}

} // namespace

namespace {

void* allocate(size_t size, bool zero) {
    size_t total = size + HEADER;
    if (total < size)
        return nullptr;
    InterruptGuard guard;
    for (int c = 0; c < (zero ? ZEROED_CLASS_COUNT : CLASS_COUNT); c++) {
        if (total > class_size(c))
            continue;
        if (!g_free[c] && !refill(c))
            return nullptr;
        FreeBlock* b = g_free[c];
        g_free[c] = b->next;
        auto* header = reinterpret_cast<u64*>(b);
        header[0] = u64(c);
        if (zero)
            memset(reinterpret_cast<u8*>(b) + HEADER, 0, class_size(c) - HEADER);
        return reinterpret_cast<u8*>(b) + HEADER;
    }
    u64 pages = align_up(total, PAGE_SIZE) / PAGE_SIZE;
    auto phys = physical_allocate(pages);
    if (phys.is_error())
        return nullptr;
    auto* header = static_cast<u64*>(phys_to_virt(phys.value()));
    header[0] = LARGE_MARK | pages;
    return reinterpret_cast<u8*>(header) + HEADER;
}

} // namespace

void* kmalloc(size_t size) { return allocate(size, true); }

void* kmalloc_uninitialized(size_t size) { return allocate(size, false); }

void kfree(void* p) {
    if (!p)
        return;
    auto* header = reinterpret_cast<u64*>(static_cast<u8*>(p) - HEADER);
    InterruptGuard guard;
    if ((header[0] & 0xffffffffff000000ull) == LARGE_MARK) {
        physical_free(virt_to_phys(header), header[0] & 0xffffff);
        return;
    }
    u64 c = header[0];
    if (c >= u64(CLASS_COUNT))
        panic("kfree of a bad pointer %p", p);
    auto* b = reinterpret_cast<FreeBlock*>(header);
    b->next = g_free[c];
    g_free[c] = b;
}

void* operator new(size_t size) {
    void* p = kmalloc(size);
    if (!p)
        panic("out of memory (operator new, %zu bytes)", size);
    return p;
}
void* operator new[](size_t size) { return operator new(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return kmalloc(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return kmalloc(size); }
void operator delete(void* p) noexcept { kfree(p); }
void operator delete[](void* p) noexcept { kfree(p); }
void operator delete(void* p, size_t) noexcept { kfree(p); }
void operator delete[](void* p, size_t) noexcept { kfree(p); }
