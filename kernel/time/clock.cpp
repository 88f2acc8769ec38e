// clock.cpp: TSC calibration (CPUID leaf 0x15, else against the i8254 PIT), conversion to
// nanoseconds with a 32.32 fixed-point multiplier, and halting sleeps on the APIC timer.
#include "time/clock.h"
#include "arch/x86_64/cpu.h"
#include "lib/format.h"

namespace {

u64 g_tsc_hz;
u64 g_boot_tsc;
u64 g_ns_per_tsc_32; // nanoseconds per TSC tick, 32.32 fixed point
u64 g_realtime_at_boot;

constexpr u32 PIT_HZ = 1193182;

u16 pit_read_channel0() {
    cpu::outb(0x43, 0x00); // latch channel 0
    u8 lo = cpu::inb(0x40);
    u8 hi = cpu::inb(0x40);
    return u16(lo | (hi << 8));
}

// Counts TSC ticks over ~5 ms of PIT time. Returns 0 if the PIT does not count.
u64 calibrate_with_pit() {
    cpu::outb(0x43, 0x34); // channel 0, lo/hi, mode 2, binary
    cpu::outb(0x40, 0xff);
    cpu::outb(0x40, 0xff);
    constexpr u32 wanted = PIT_HZ / 200; // 5 ms
    u16 previous = pit_read_channel0();
    u64 tsc_start = cpu::rdtsc();
    u32 elapsed = 0;
    for (u64 spins = 0; elapsed < wanted; spins++) {
        u16 now = pit_read_channel0();
        elapsed += u16(previous - now);
        previous = now;
        if (spins > 50000000 && elapsed == 0)
            return 0;
    }
    u64 tsc_ticks = cpu::rdtsc() - tsc_start;
    return tsc_ticks * PIT_HZ / elapsed;
}

} // namespace

void clock_init() {
    auto max_leaf = cpu::cpuid(0).eax;
    if (max_leaf >= 0x15) {
        auto r = cpu::cpuid(0x15);
        if (r.eax && r.ebx && r.ecx)
            g_tsc_hz = u64(r.ecx) * r.ebx / r.eax;
    }
    if (!g_tsc_hz)
        g_tsc_hz = calibrate_with_pit();
    if (!g_tsc_hz) {
        kprintf("ops kernel: cannot calibrate the TSC; assuming 1 GHz\n");
        g_tsc_hz = 1000000000;
    }
    g_ns_per_tsc_32 = (u64(1000000000) << 32) / g_tsc_hz;
    g_boot_tsc = cpu::rdtsc();
}

u64 tsc_frequency_hz() { return g_tsc_hz; }

void clock_parameters(u64* boot_tsc, u64* ns_per_tsc_32, u64* realtime_at_boot) {
    *boot_tsc = g_boot_tsc;
    *ns_per_tsc_32 = g_ns_per_tsc_32;
    *realtime_at_boot = g_realtime_at_boot;
}

u64 monotonic_ns() {
    u64 delta = cpu::rdtsc() - g_boot_tsc;
    return u64((unsigned __int128)delta * g_ns_per_tsc_32 >> 32);
}

void set_realtime_ns(u64 now) { g_realtime_at_boot = now - monotonic_ns(); }
u64 realtime_ns() { return g_realtime_at_boot + monotonic_ns(); }
