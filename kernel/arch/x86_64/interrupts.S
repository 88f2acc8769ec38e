// interrupts.S: IDT entry stubs for all 256 vectors. Each pushes a dummy error code where the
// CPU does not, the vector number, then the general registers, and calls handle_trap(frame).
#define FRAME_CS_OFFSET (18 * 8)

#include "arch/x86_64/frame_macros.h"

.macro stub vector
    .align 16
    .if (\vector == 8 || (\vector >= 10 && \vector <= 14) || \vector == 17 || \vector == 21 || \vector == 29 || \vector == 30)
    .else
    push $0
    .endif
    push $\vector
    jmp trap_common
.endm

.text
.align 16
.globl trap_stubs
trap_stubs:
.altmacro
.set i, 0
.rept 256
    stub %i
    .set i, i + 1
.endr

trap_common:
    push_registers
    testb $3, FRAME_CS_OFFSET(%rsp)
    jz 1f
    swapgs
1:  cld
    mov %rsp, %rdi
    call handle_trap
    jmp trap_return

// return_to_user(TrapFrame*): switch to the frame and leave through the common exit.
.globl return_to_user
return_to_user:
    mov %rdi, %rsp
    cli
.globl trap_return
trap_return:
    testb $3, FRAME_CS_OFFSET(%rsp)
    jz 2f
    cli
    swapgs
2:  pop_registers
    add $16, %rsp
    iretq

.section .note.GNU-stack,"",@progbits
