// idt.cpp: fills the IDT with the stubs from interrupts.S (interrupt gates, ring 0 only, the
// double fault on its own IST stack).
#include "arch/x86_64/idt.h"
#include "arch/x86_64/gdt.h"

extern "C" char trap_stubs[];

namespace {

struct [[gnu::packed]] Gate {
    u16 offset_low;
    u16 selector;
    u8 ist;
    u8 type_attributes;
    u16 offset_middle;
    u32 offset_high;
    u32 reserved;
};
static_assert(sizeof(Gate) == 16);

alignas(16) Gate g_idt[256];

} // namespace

void idt_init() {
    for (int i = 0; i < 256; i++) {
        u64 handler = u64(trap_stubs) + 16 * i;
        g_idt[i] = Gate{u16(handler), selector::KERNEL_CODE, u8(i == vector::DOUBLE_FAULT ? 1 : 0),
                        0x8e, u16(handler >> 16), u32(handler >> 32), 0};
    }
    idt_load();
}

void idt_load() {
    struct [[gnu::packed]] {
        u16 limit;
        u64 base;
    } pointer{sizeof(g_idt) - 1, u64(g_idt)};
    asm volatile("lidt %0" : : "m"(pointer));
}
