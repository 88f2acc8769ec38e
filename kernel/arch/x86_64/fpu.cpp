// fpu.cpp: XSAVE feature selection and the save/restore instructions.
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/cpu.h"

namespace {

// x87, SSE, AVX, and the three AVX-512 components (only together), [intel/vol1] 13.1.
constexpr u64 X87 = 1, SSE = 2, AVX = 4, AVX512 = 0xe0;

bool g_xsave;
u64 g_features = X87 | SSE;
u64 g_size = 512;

void xsetbv(u32 index, u64 value) {
    asm volatile("xsetbv" : : "c"(index), "a"(u32(value)), "d"(u32(value >> 32)));
}

} // namespace

void fpu_init() {
    g_xsave = (cpu::cpuid(1).ecx >> 26) & 1;
    if (!g_xsave)
        return;
    u64 supported = cpu::cpuid(0xd, 0).eax | (u64(cpu::cpuid(0xd, 0).edx) << 32);
    g_features = X87 | SSE;
    if (supported & AVX)
        g_features |= AVX;
    if ((supported & AVX512) == AVX512 && (g_features & AVX))
        g_features |= AVX512;
    fpu_init_cpu();
    g_size = cpu::cpuid(0xd, 0).ebx; // size for the components now enabled in XCR0
}

void fpu_init_cpu() {
    if (!g_xsave)
        return;
    cpu::write_cr4(cpu::read_cr4() | cpu::cr4::OSXSAVE);
    xsetbv(0, g_features);
}

bool fpu_uses_xsave() { return g_xsave; }
u64 fpu_state_size() { return g_size; }
u64 fpu_enabled_features() { return g_features; }

void fpu_save(u8* area) {
    if (g_xsave)
        asm volatile("xsave64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u) : "memory");
    else
        asm volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void fpu_restore(const u8* area) {
    if (g_xsave)
        asm volatile("xrstor64 (%0)" : : "r"(area), "a"(~0u), "d"(~0u) : "memory");
    else
        asm volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}
