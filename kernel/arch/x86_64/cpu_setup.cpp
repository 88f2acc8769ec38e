// cpu_setup.cpp: control registers and MSRs every CPU needs before it runs the program.
#include "arch/x86_64/cpu_setup.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"

extern "C" void syscall_entry();

void cpu_setup_features(u32 index) {
    // SSE for the program ([intel/vol3] 13.1): no x87 emulation, FXSAVE-aware OS; CR0.WP so
    // the kernel honours read-only pages too.
    cpu::write_cr0((cpu::read_cr0() & ~cpu::cr0::EM) | cpu::cr0::MP | cpu::cr0::WP);
    cpu::write_cr4(cpu::read_cr4() | cpu::cr4::OSFXSR | cpu::cr4::OSXMMEXCPT);
    asm volatile("fninit");
    fpu_init_cpu();
    cpu::wrmsr(cpu::msr::EFER, cpu::rdmsr(cpu::msr::EFER) | cpu::efer::SCE | cpu::efer::NXE);
    cpu::wrmsr(cpu::msr::STAR, (u64(selector::USER_CODE32 | 3) << 48) |
                                   (u64(selector::KERNEL_CODE) << 32));
    cpu::wrmsr(cpu::msr::LSTAR, u64(&syscall_entry));
    // Clear IF, TF, DF, AC on entry.
    cpu::wrmsr(cpu::msr::FMASK, (1 << 9) | (1 << 8) | (1 << 10) | (1 << 18));
    // RDTSCP returns TSC_AUX: the vDSO's getcpu reads the CPU index from it.
    if ((cpu::cpuid(0x80000001).edx >> 27) & 1)
        cpu::wrmsr(cpu::msr::TSC_AUX, index);
}
