// idt.h: the interrupt descriptor table and vector assignments.
#pragma once

#include "lib/types.h"

namespace vector {
constexpr u8 DIVIDE_ERROR = 0;
constexpr u8 DEBUG = 1;
constexpr u8 NMI = 2;
constexpr u8 BREAKPOINT = 3;
constexpr u8 INVALID_OPCODE = 6;
constexpr u8 DEVICE_NOT_AVAILABLE = 7;
constexpr u8 DOUBLE_FAULT = 8;
constexpr u8 GENERAL_PROTECTION = 13;
constexpr u8 PAGE_FAULT = 14;
constexpr u8 X87_FLOATING_POINT = 16;
constexpr u8 SIMD_FLOATING_POINT = 19;
constexpr u8 TIMER = 0x20;
constexpr u8 IPI_RESCHEDULE = 0xf0; // wakes an idle CPU or makes a running one re-enter the kernel
constexpr u8 IPI_TLB_FLUSH = 0xf1;
constexpr u8 SPURIOUS = 0xff;
} // namespace vector

// Fills the IDT (once, on the boot CPU) and loads it.
void idt_init();
// Loads the already filled IDT on another CPU.
void idt_load();
