// interrupts.h: the local APIC (timer and end-of-interrupt) and interrupt dispatch by vector.
#pragma once

#include "lib/types.h"

using InterruptHandler = void (*)();

// Masks the legacy PIC, enables the boot CPU's local APIC and calibrates its timer.
void interrupts_init();
// Enables the local APIC of the calling CPU (every application processor).
void interrupts_init_cpu();
u32 lapic_id();
void send_ipi(u32 apic_id, u8 vector);
void send_init_ipi(u32 apic_id);
void send_startup_ipi(u32 apic_id, u8 page);
void register_interrupt_handler(u8 vector, InterruptHandler handler);
// Called by handle_trap for vectors >= 32.
void dispatch_interrupt(u8 vector);
void end_of_interrupt();

// One-shot local APIC timer: fires vector::TIMER after about `ns` nanoseconds.
void lapic_timer_arm(u64 ns);
void lapic_timer_cancel();
