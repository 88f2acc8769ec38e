// gdt.cpp: the GDT, the TSS (ring-0 stack and an IST stack for double faults), and the per-CPU
// block behind %gs.
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/per_cpu.h"

namespace {

struct [[gnu::packed]] DescriptorPointer {
    u16 limit;
    u64 base;
};

PerCpu g_cpus[MAX_CPUS];
u32 g_cpu_count = 1;

} // namespace

PerCpu& cpu_block(u32 index) { return g_cpus[index]; }
u32 cpu_count() { return g_cpu_count; }
void set_cpu_count(u32 count) { g_cpu_count = count; }

void gdt_init(u32 index) {
    PerCpu& c = g_cpus[index];
    u64* gdt = c.gdt;
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffff; // kernel code, 64-bit
    gdt[2] = 0x00cf92000000ffff; // kernel data
    gdt[3] = 0x00cffa000000ffff; // user code, 32-bit (placeholder for SYSRET's layout)
    gdt[4] = 0x00cff2000000ffff; // user data
    gdt[5] = 0x00affa000000ffff; // user code, 64-bit
    u64 base = u64(&c.tss);
    u64 limit = sizeof(TaskStateSegment) - 1;
    gdt[6] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
             (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[7] = base >> 32;
    c.tss.iomap_base = sizeof(TaskStateSegment);
    c.tss.ist[0] = u64(c.double_fault_stack + sizeof(c.double_fault_stack));

    DescriptorPointer pointer{sizeof(c.gdt) - 1, u64(gdt)};
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

    c.self = &c;
    c.index = index;
    cpu::wrmsr(cpu::msr::GS_BASE, u64(&c));
    cpu::wrmsr(cpu::msr::KERNEL_GS_BASE, 0);
}

void tss_set_kernel_stack(u64 top) {
    PerCpu& c = this_cpu();
    c.tss.rsp[0] = top;
    c.kernel_stack_top = top;
}
