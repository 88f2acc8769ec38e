// vdso_image.S: the built vDSO (kernel/vdso/vdso.c, linked by CMake into vdso.so) embedded in
// the kernel image, between vdso_image_start and vdso_image_end.
.section .rodata
.balign 4096
.globl vdso_image_start
vdso_image_start:
    .incbin VDSO_IMAGE_PATH
.globl vdso_image_end
vdso_image_end:

.section .note.GNU-stack,"",@progbits
