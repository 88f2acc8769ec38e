// config_space.cpp: the 0xcf8/0xcfc port pair. An access is two port operations, so each one
// runs with interrupts off on this CPU; PCI is touched at boot and when a driver enables its
// interrupts, both under the big kernel lock, so CPUs do not interleave.
#include "dev/pci/config_space.h"
#include "arch/x86_64/interrupt_guard.h"

namespace pci {

namespace {
constexpr u16 CONFIG_ADDRESS = 0xcf8;
constexpr u16 CONFIG_DATA = 0xcfc;

void out32(u16 port, u32 value) {
    asm volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}
u32 in32(u16 port) {
    u32 value;
    asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}
void out16(u16 port, u16 value) {
    asm volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}
u16 in16(u16 port) {
    u16 value;
    asm volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}
u8 in8(u16 port) {
    u8 value;
    asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

void select(Address a, u8 offset) {
    out32(CONFIG_ADDRESS, 0x80000000u | u32(a.bus) << 16 | u32(a.device & 31) << 11 |
                              u32(a.function & 7) << 8 | (offset & 0xfc));
}
} // namespace

u32 config_read32(Address a, u8 offset) {
    InterruptGuard guard;
    select(a, offset);
    return in32(CONFIG_DATA);
}

u16 config_read16(Address a, u8 offset) {
    InterruptGuard guard;
    select(a, offset);
    return in16(u16(CONFIG_DATA + (offset & 2)));
}

u8 config_read8(Address a, u8 offset) {
    InterruptGuard guard;
    select(a, offset);
    return in8(u16(CONFIG_DATA + (offset & 3)));
}

void config_write32(Address a, u8 offset, u32 value) {
    InterruptGuard guard;
    select(a, offset);
    out32(CONFIG_DATA, value);
}

void config_write16(Address a, u8 offset, u16 value) {
    InterruptGuard guard;
    select(a, offset);
    out16(u16(CONFIG_DATA + (offset & 2)), value);
}

} // namespace pci
