// boot.S: the PVH entry point. QEMU (and other VMMs) start us in 32-bit protected mode with
// paging off and %ebx pointing at the hvm_start_info. We build early page tables in .bss
// (identity map of the first 1 GiB, and the same 1 GiB at the kernel's -2 GiB base), enter long
// mode, switch to the high half and call kernel_main(start_info_physical).

#define KERNEL_VMA 0xffffffff80000000
#define PHYS(sym) ((sym) - KERNEL_VMA)

// [xen] arch-x86/xen.h / elfnote.h: XEN_ELFNOTE_PHYS32_ENTRY = 18.
.pushsection .note.Xen, "a", @note
    .align 4
    .long 4
    .long 4
    .long 18
    .asciz "Xen"
    .long pvh_start32
.popsection

.section .boot.text, "ax"
.code32
.globl pvh_start32
pvh_start32:
    cli
    cld
    mov %ebx, %esi                      // start info, kept until kernel_main

    lgdt early_gdt_pointer

    // Zero the four early page-table pages.
    mov $PHYS(early_pml4), %edi
    xor %eax, %eax
    mov $(4 * 4096 / 4), %ecx
    rep stosl

    // PD: 512 x 2 MiB pages covering physical 0..1 GiB (present, writable, large).
    mov $PHYS(early_pd), %edi
    mov $0x83, %eax
    mov $512, %ecx
1:  mov %eax, (%edi)
    movl $0, 4(%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 1b

    mov $PHYS(early_pd), %eax
    or $3, %eax
    mov %eax, PHYS(early_pdpt_low)              // pdpt_low[0]
    mov %eax, PHYS(early_pdpt_high) + 510 * 8   // pdpt_high[510]: -2 GiB
    mov $PHYS(early_pdpt_low), %eax
    or $3, %eax
    mov %eax, PHYS(early_pml4)                  // pml4[0]
    mov $PHYS(early_pdpt_high), %eax
    or $3, %eax
    mov %eax, PHYS(early_pml4) + 511 * 8        // pml4[511]

    mov %cr4, %eax
    or $0x20, %eax                      // PAE
    mov %eax, %cr4
    mov $PHYS(early_pml4), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx               // EFER: LME | NXE
    rdmsr
    or $0x900, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax                // PG | PE
    mov %eax, %cr0
    ljmp $0x08, $long_mode_low

.code64
long_mode_low:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    movabs $long_mode_high, %rax
    jmp *%rax

.align 8
early_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            // 0x08: 64-bit code
    .quad 0x00cf92000000ffff            // 0x10: data
early_gdt_end:
early_gdt_pointer:
    .word early_gdt_end - early_gdt - 1
    .long early_gdt

.text
long_mode_high:
    movabs $boot_stack_top, %rsp
    xor %rbp, %rbp
    mov %esi, %edi                      // kernel_main(start_info physical address)
    call kernel_main
2:  hlt
    jmp 2b

.section .bss
.align 4096
.globl early_pml4
early_pml4:      .skip 4096
early_pdpt_low:  .skip 4096
early_pdpt_high: .skip 4096
early_pd:        .skip 4096
.align 16
.globl boot_stack_bottom
boot_stack_bottom:
    .skip 65536
.globl boot_stack_top
boot_stack_top:
.section .note.GNU-stack,"",@progbits
