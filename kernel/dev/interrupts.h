// interrupts.h: the local APIC (timer and end-of-interrupt) and interrupt dispatch by vector.
#pragma once

#include "lib/types.h"

using InterruptHandler = void (*)();

// Masks the legacy PIC and enables the local APIC.
void interrupts_init();
void register_interrupt_handler(u8 vector, InterruptHandler handler);
// Called by handle_trap for vectors >= 32.
void dispatch_interrupt(u8 vector);

// One-shot local APIC timer: fires vector::TIMER after about `ns` nanoseconds.
void lapic_timer_arm(u64 ns);
void lapic_timer_cancel();
