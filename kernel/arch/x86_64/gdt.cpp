// gdt.cpp: the GDT, the TSS (ring-0 stack and an IST stack for double faults), and the per-CPU
// block behind %gs.
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/per_cpu.h"

namespace {

struct [[gnu::packed]] Tss {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
};
static_assert(sizeof(Tss) == 104);

struct [[gnu::packed]] DescriptorPointer {
    u16 limit;
    u64 base;
};

alignas(16) u64 g_gdt[8];
alignas(16) Tss g_tss;
alignas(16) u8 g_double_fault_stack[16384];
PerCpu g_boot_cpu;

} // namespace

PerCpu& this_cpu() {
    PerCpu* p;
    asm volatile("mov %%gs:0, %0" : "=r"(p));
    return *p;
}

void gdt_init() {
    g_gdt[0] = 0;
    g_gdt[1] = 0x00af9a000000ffff; // kernel code, 64-bit
    g_gdt[2] = 0x00cf92000000ffff; // kernel data
    g_gdt[3] = 0x00cffa000000ffff; // user code, 32-bit (placeholder for SYSRET's layout)
    g_gdt[4] = 0x00cff2000000ffff; // user data
    g_gdt[5] = 0x00affa000000ffff; // user code, 64-bit
    u64 base = u64(&g_tss);
    u64 limit = sizeof(Tss) - 1;
    g_gdt[6] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
               (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    g_gdt[7] = base >> 32;
    g_tss.iomap_base = sizeof(Tss);
    g_tss.ist[0] = u64(g_double_fault_stack + sizeof(g_double_fault_stack));

    DescriptorPointer pointer{sizeof(g_gdt) - 1, u64(g_gdt)};
    asm volatile("lgdt %0\n"
                 "pushq %1\n"
                 "leaq 1f(%%rip), %%rax\n"
                 "pushq %%rax\n"
                 "lretq\n"
                 "1:\n"
                 "mov %2, %%ds\n"
                 "mov %2, %%es\n"
                 "mov %2, %%ss\n"
                 :
                 : "m"(pointer), "i"(u64(selector::KERNEL_CODE)), "r"(u32(selector::KERNEL_DATA))
                 : "rax", "memory");
    asm volatile("ltr %0" : : "r"(u16(selector::TSS)));

    g_boot_cpu.self = &g_boot_cpu;
    cpu::wrmsr(cpu::msr::GS_BASE, u64(&g_boot_cpu));
    cpu::wrmsr(cpu::msr::KERNEL_GS_BASE, 0);
}

void tss_set_kernel_stack(u64 top) {
    g_tss.rsp[0] = top;
    this_cpu().kernel_stack_top = top;
}
