// cpu.h: thin wrappers over x86-64 instructions (port I/O, MSRs, control registers, CPUID).
// The only header outside arch/ may include for CPU access; it holds no policy.
#pragma once

#include "lib/types.h"

namespace cpu {

inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
inline u8 inb(u16 port) {
    u8 v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline void outl(u16 port, u32 v) { asm volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

inline u64 rdmsr(u32 msr) {
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (u64(hi) << 32) | lo;
}
inline void wrmsr(u32 msr, u64 v) {
    asm volatile("wrmsr" : : "c"(msr), "a"(u32(v)), "d"(u32(v >> 32)));
}

inline u64 read_cr0() { u64 v; asm volatile("mov %%cr0, %0" : "=r"(v)); return v; }
inline u64 read_cr2() { u64 v; asm volatile("mov %%cr2, %0" : "=r"(v)); return v; }
inline u64 read_cr3() { u64 v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
inline u64 read_cr4() { u64 v; asm volatile("mov %%cr4, %0" : "=r"(v)); return v; }
inline void write_cr0(u64 v) { asm volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
inline void write_cr3(u64 v) { asm volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
inline void write_cr4(u64 v) { asm volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

inline void invlpg(u64 va) { asm volatile("invlpg (%0)" : : "r"(va) : "memory"); }

struct CpuidResult {
    u32 eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(u32 leaf, u32 subleaf = 0) {
    CpuidResult r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

inline u64 rdtsc() {
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (u64(hi) << 32) | lo;
}

inline void halt() { asm volatile("hlt"); }
inline void pause() { asm volatile("pause"); }
inline void enable_interrupts() { asm volatile("sti" ::: "memory"); }
inline void disable_interrupts() { asm volatile("cli" ::: "memory"); }
// Enables interrupts and halts in one step so a wakeup between the two is not lost.
inline void enable_interrupts_and_halt() { asm volatile("sti; hlt" ::: "memory"); }

// Model-specific registers, [intel/vol4].
namespace msr {
constexpr u32 APIC_BASE = 0x1b;
constexpr u32 EFER = 0xc0000080;
constexpr u32 STAR = 0xc0000081;
constexpr u32 LSTAR = 0xc0000082;
constexpr u32 FMASK = 0xc0000084;
constexpr u32 FS_BASE = 0xc0000100;
constexpr u32 GS_BASE = 0xc0000101;
constexpr u32 KERNEL_GS_BASE = 0xc0000102;
constexpr u32 TSC_AUX = 0xc0000103;
} // namespace msr

// EFER bits, [intel/vol3] 2.2.1.
namespace efer {
constexpr u64 SCE = 1 << 0;
constexpr u64 LME = 1 << 8;
constexpr u64 NXE = 1 << 11;
} // namespace efer

// CR0 / CR4 bits, [intel/vol3] 2.5.
namespace cr0 {
constexpr u64 MP = 1 << 1;
constexpr u64 EM = 1 << 2;
constexpr u64 WP = 1 << 16;
} // namespace cr0
namespace cr4 {
constexpr u64 OSFXSR = 1 << 9;
constexpr u64 OSXMMEXCPT = 1 << 10;
constexpr u64 UMIP = 1 << 11;
constexpr u64 FSGSBASE = 1 << 16;
constexpr u64 OSXSAVE = 1 << 18;
constexpr u64 SMEP = 1 << 20;
constexpr u64 SMAP = 1 << 21;
} // namespace cr4

} // namespace cpu
