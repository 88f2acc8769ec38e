// random.cpp: a xoshiro256** generator reseeded from RDRAND when available. Good enough for
// ASLR and AT_RANDOM in a VM; virtio-rng will feed it when that driver lands.
#include "lib/random.h"
#include "arch/x86_64/cpu.h"
#include "lib/string.h"

namespace {

u64 g_state[4];
bool g_has_rdrand;

u64 rotl(u64 x, int k) { return (x << k) | (x >> (64 - k)); }

u64 next() {
    u64 result = rotl(g_state[1] * 5, 7) * 9;
    u64 t = g_state[1] << 17;
    g_state[2] ^= g_state[0];
    g_state[3] ^= g_state[1];
    g_state[1] ^= g_state[2];
    g_state[0] ^= g_state[3];
    g_state[2] ^= t;
    g_state[3] = rotl(g_state[3], 45);
    return result;
}

bool rdrand(u64& out) {
    for (int i = 0; i < 10; i++) {
        unsigned char ok;
        asm volatile("rdrand %0; setc %1" : "=r"(out), "=qm"(ok));
        if (ok)
            return true;
    }
    return false;
}

u64 splitmix(u64& x) {
    u64 z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

} // namespace

void random_init() {
    g_has_rdrand = cpu::cpuid(1).ecx & (1u << 30);
    u64 seed = cpu::rdtsc();
    for (auto& s : g_state) {
        u64 hw = 0;
        if (g_has_rdrand)
            rdrand(hw);
        s = splitmix(seed) ^ hw;
    }
}

u64 random_u64() {
    u64 hw = 0;
    if (g_has_rdrand && rdrand(hw))
        return next() ^ hw;
    return next() ^ cpu::rdtsc();
}

void random_fill(void* buffer, size_t length) {
    auto* p = static_cast<u8*>(buffer);
    while (length) {
        u64 v = random_u64();
        size_t n = min<size_t>(length, 8);
        memcpy(p, &v, n);
        p += n;
        length -= n;
    }
}
