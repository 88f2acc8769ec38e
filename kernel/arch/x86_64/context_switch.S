// context_switch.S: switch_context(save, next) saves the callee-saved registers and flags on
// the current kernel stack, stores its rsp in *save, and resumes the thread whose saved rsp is
// `next`. A new thread's stack is prepared so that the final `ret` enters thread_trampoline.

.text
.globl switch_context
switch_context:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    pushfq
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    popfq
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

// First code a new thread runs: its TrapFrame sits right above, at %rsp.
.globl thread_trampoline
thread_trampoline:
    mov %rsp, %rdi
    call thread_first_entry
    ud2

.section .note.GNU-stack,"",@progbits
