// ap_trampoline.S: where an application processor starts after INIT-SIPI-SIPI: real mode at
// TRAMPOLINE_BASE (the bytes are copied there). It enters protected mode, then long mode with
// the kernel's page tables, and jumps to ap_main(cpu index) on its own stack. The boot CPU
// fills the parameter block at the end before each start.
#define TRAMPOLINE_BASE 0x8000
#define ABS(label) (TRAMPOLINE_BASE + (label - ap_trampoline_start))

.section .rodata
.code16
.globl ap_trampoline_start
ap_trampoline_start:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    lgdtl ABS(trampoline_gdt_pointer)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x08, $ABS(protected_mode)

.code32
protected_mode:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr4, %eax
    or $0x20, %eax                      // PAE
    mov %eax, %cr4
    mov ABS(parameter_cr3), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx               // EFER: LME | NXE | SCE
    rdmsr
    or $0x901, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax                // PG | WP | PE
    mov %eax, %cr0
    ljmp $0x18, $ABS(long_mode)

.code64
long_mode:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov ABS(parameter_stack), %rsp
    mov ABS(parameter_index), %edi
    mov ABS(parameter_entry), %rax
    jmp *%rax

.align 16
trampoline_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff            // 0x08: 32-bit code
    .quad 0x00cf92000000ffff            // 0x10: data
    .quad 0x00af9a000000ffff            // 0x18: 64-bit code
trampoline_gdt_pointer:
    .word 4 * 8 - 1
    .long ABS(trampoline_gdt)

.align 8
.globl ap_trampoline_parameters
ap_trampoline_parameters:
parameter_cr3:   .quad 0
parameter_stack: .quad 0
parameter_entry: .quad 0
parameter_index: .quad 0
.globl ap_trampoline_end
ap_trampoline_end:

.section .note.GNU-stack,"",@progbits
