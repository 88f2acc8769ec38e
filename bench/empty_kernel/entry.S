/* Empty PVH kernel for bench/boot.sh: QEMU enters at pvh_start in 32-bit
 * protected mode with paging off. Print one line on COM1 (0x3f8) and stop
 * QEMU through isa-debug-exit (port 0xf4). No stack, no long mode: this is
 * the floor for "VMM start + kernel load + one line of output + exit". */
    .section .note.Xen, "a"
    .balign 4
    .long 4              /* name size: "Xen\0" */
    .long 4              /* desc size */
    .long 18             /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long pvh_start

    .section .text
    .code32
    .globl pvh_start
pvh_start:
    cli
    lea msg, %esi
1:  movb (%esi), %al
    testb %al, %al
    jz 3f
    movw $0x3fd, %dx     /* LSR: wait for THR empty */
2:  inb %dx, %al
    testb $0x20, %al
    jz 2b
    movb (%esi), %al
    movw $0x3f8, %dx
    outb %al, %dx
    incl %esi
    jmp 1b
3:  movw $0xf4, %dx
    xorl %eax, %eax
    outb %al, %dx        /* QEMU exits with status 1 */
4:  hlt
    jmp 4b

    .section .rodata
msg: .asciz "hello from the empty kernel\n"
