// syscall_entry.S: the SYSCALL entry. Switches to the current thread's kernel stack (from the
// per-CPU block at %gs), builds a TrapFrame identical to an interrupt's, calls
// handle_syscall(frame) with interrupts enabled, and returns with SYSRET (or IRET when the frame
// was changed to something SYSRET cannot restore).
#include "arch/x86_64/frame_macros.h"

#define PERCPU_KERNEL_STACK 8
#define PERCPU_USER_RSP 16
#define USER_CS 0x2b
#define USER_SS 0x23

.text
.globl syscall_entry
syscall_entry:
    swapgs
    mov %rsp, %gs:PERCPU_USER_RSP
    mov %gs:PERCPU_KERNEL_STACK, %rsp
    push $USER_SS
    push %gs:PERCPU_USER_RSP
    push %r11                       // user rflags
    push $USER_CS
    push %rcx                       // user rip
    push $0                         // error code
    push $-1                        // vector: marks a syscall frame
    push_registers
    cld
    mov %rsp, %rdi
    sti
    call handle_syscall
    cli
    // SYSRET needs a canonical user rip and restores rflags from r11 and rip from rcx; if the
    // handler changed the frame in a way SYSRET cannot express, leave through IRET instead.
    cmpq $-1, 15 * 8(%rsp)          // vector: a handler set it to 0 to ask for IRET
    jne 1f
    mov 17 * 8(%rsp), %rcx          // frame rip
    mov %rcx, %r11
    sar $47, %r11
    jnz 1f
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    add $8, %rsp                    // r11: restored from rflags below
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    add $8, %rsp                    // rcx: holds the return rip
    pop %rbx
    pop %rax
    add $16, %rsp                   // vector, error code
    pop %rcx                        // rip
    add $8, %rsp                    // cs
    pop %r11                        // rflags
    mov (%rsp), %rsp                // user rsp
    swapgs
    sysretq
1:  jmp trap_return

.section .note.GNU-stack,"",@progbits
