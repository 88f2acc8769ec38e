// interrupts.cpp: local APIC setup ([intel/vol3] 11), its one-shot timer (calibrated against
// the TSC on first use), and the vector -> handler table.
#include "dev/interrupts.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/idt.h"
#include "mm/layout.h"
#include "mm/page_table.h"
#include "time/clock.h"

namespace {

constexpr u64 LAPIC_PHYS = 0xfee00000;
namespace reg {
constexpr u32 ID = 0x20;
constexpr u32 EOI = 0xb0;
constexpr u32 ICR_LOW = 0x300;
constexpr u32 ICR_HIGH = 0x310;
constexpr u32 SPURIOUS = 0xf0;
constexpr u32 LVT_TIMER = 0x320;
constexpr u32 TIMER_INITIAL = 0x380;
constexpr u32 TIMER_CURRENT = 0x390;
constexpr u32 TIMER_DIVIDE = 0x3e0;
} // namespace reg
constexpr u32 LVT_MASKED = 1 << 16;

InterruptHandler g_handlers[256];
u64 g_lapic_ticks_per_ms;

volatile u32& lapic(u32 offset) {
    return *reinterpret_cast<volatile u32*>(static_cast<u8*>(phys_to_virt(LAPIC_PHYS)) + offset);
}

void calibrate_lapic_timer() {
    lapic(reg::TIMER_DIVIDE) = 0x3; // divide by 16
    lapic(reg::LVT_TIMER) = LVT_MASKED | vector::TIMER;
    lapic(reg::TIMER_INITIAL) = 0xffffffff;
    u64 start = monotonic_ns();
    while (monotonic_ns() - start < 1000000)
        cpu::pause();
    u32 elapsed = 0xffffffff - lapic(reg::TIMER_CURRENT);
    lapic(reg::TIMER_INITIAL) = 0;
    g_lapic_ticks_per_ms = elapsed ? elapsed : 1;
}

} // namespace

void interrupts_init() {
    cpu::outb(0x21, 0xff); // mask both legacy PICs (absent on some machines: harmless)
    cpu::outb(0xa1, 0xff);
    map_mmio(LAPIC_PHYS, PAGE_SIZE);
    interrupts_init_cpu();
    calibrate_lapic_timer();
}

void interrupts_init_cpu() {
    cpu::wrmsr(cpu::msr::APIC_BASE, cpu::rdmsr(cpu::msr::APIC_BASE) | (1 << 11));
    lapic(reg::SPURIOUS) = 0x100 | vector::SPURIOUS;
    lapic(reg::LVT_TIMER) = LVT_MASKED | vector::TIMER;
}

u32 lapic_id() { return lapic(reg::ID) >> 24; }

namespace {
void send_icr(u32 apic_id, u32 low) {
    for (int i = 0; i < 1000000 && (lapic(reg::ICR_LOW) & (1 << 12)); i++)
        cpu::pause();
    lapic(reg::ICR_HIGH) = apic_id << 24;
    lapic(reg::ICR_LOW) = low;
    for (int i = 0; i < 1000000 && (lapic(reg::ICR_LOW) & (1 << 12)); i++)
        cpu::pause();
}
} // namespace

void send_ipi(u32 apic_id, u8 v) { send_icr(apic_id, v); }
void send_init_ipi(u32 apic_id) { send_icr(apic_id, 0x4500); }
void send_startup_ipi(u32 apic_id, u8 page) { send_icr(apic_id, 0x4600 | page); }

void register_interrupt_handler(u8 vector, InterruptHandler handler) { g_handlers[vector] = handler; }

void dispatch_interrupt(u8 v) {
    if (v == vector::SPURIOUS)
        return;
    if (g_handlers[v])
        g_handlers[v]();
    end_of_interrupt();
}

void end_of_interrupt() { lapic(reg::EOI) = 0; }

void lapic_timer_arm(u64 ns) {
    u64 ticks = ns / 1000 * g_lapic_ticks_per_ms / 1000;
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffff)
        ticks = 0xffffffff;
    lapic(reg::TIMER_DIVIDE) = 0x3;
    lapic(reg::LVT_TIMER) = vector::TIMER; // one-shot, unmasked
    lapic(reg::TIMER_INITIAL) = u32(ticks);
}

void lapic_timer_cancel() {
    lapic(reg::TIMER_INITIAL) = 0;
    lapic(reg::LVT_TIMER) = LVT_MASKED | vector::TIMER;
}
