// trap_frame.h: the register frame saved on the kernel stack by every entry from user mode or
// interrupt (interrupts.S and syscall_entry.S build the same layout).
#pragma once

#include "lib/types.h"

struct TrapFrame {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector;
    u64 error_code;
    // Pushed by the CPU (or by syscall_entry.S to look the same).
    u64 rip, cs, rflags, rsp, ss;

    bool from_user() const { return (cs & 3) == 3; }
};
static_assert(sizeof(TrapFrame) == 22 * 8);

// Returns to user mode with the given frame (which lives on the current kernel stack).
extern "C" [[noreturn]] void return_to_user(TrapFrame* frame);
