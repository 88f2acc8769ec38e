// vdso.cpp: copies the vDSO image into the address space (read + execute, placed like any
// mmap, so it moves with ASLR) and writes the clock parameters into its data page.
#include "linux/vdso.h"
#include "arch/x86_64/cpu.h"
#include "mm/address_space.h"
#include "mm/layout.h"
#include "time/clock.h"
#include "vdso/vdso_data.h"

extern "C" const u8 vdso_image_start[];
extern "C" const u8 vdso_image_end[];

Result<u64> map_vdso() {
    u64 size = u64(vdso_image_end - vdso_image_start);
    if (size < VDSO_DATA_OFFSET + PAGE_SIZE)
        return Errno::ENOEXEC;
    AddressSpace& space = current_address_space();
    u64 base = TRY(space.map(0, align_up(size, PAGE_SIZE), Protection::Read | Protection::Execute,
                             MapPlacement::Anywhere, "[vdso]"));
    TRY(space.write_bytes(base, vdso_image_start, size));
    VdsoData data = {};
    clock_parameters(&data.boot_tsc, &data.ns_per_tsc_32, &data.realtime_at_boot);
    data.has_rdtscp = (cpu::cpuid(0x80000001).edx >> 27) & 1;
    data.ready = 1;
    TRY(space.write_bytes(base + VDSO_DATA_OFFSET, &data, sizeof(data)));
    return base;
}
