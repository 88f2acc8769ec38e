// user_copy.S: the only code that touches user memory. A fault inside these routines jumps to
// the fixup recorded in .user_copy_fixups, which returns failure instead of a kernel fault.

.text
// u64 user_copy_bytes(void* dst, const void* src, u64 n): returns 0, or 1 on a fault.
.globl user_copy_bytes
user_copy_bytes:
    mov %rdx, %rcx
1:  rep movsb
    xor %eax, %eax
    ret
2:  mov $1, %eax
    ret

// i64 user_string_length(const char* s, u64 max): length before the NUL, max if none within
// max bytes, or -1 on a fault.
.globl user_string_length
user_string_length:
    xor %eax, %eax
3:  cmp %rsi, %rax
    je 5f
4:  cmpb $0, (%rdi, %rax)
    je 5f
    inc %rax
    jmp 3b
5:  ret
6:  mov $-1, %rax
    ret

// u64 user_fill_bytes(void* dst, int c, u64 n): returns 0, or 1 on a fault.
.globl user_fill_bytes
user_fill_bytes:
    mov %rdx, %rcx
    mov %esi, %eax
7:  rep stosb
    xor %eax, %eax
    ret
8:  mov $1, %eax
    ret

.section .user_copy_fixups, "a"
    .quad 1b, 2b
    .quad 4b, 6b
    .quad 7b, 8b

.section .note.GNU-stack,"",@progbits
