// smp.cpp: INIT-SIPI-SIPI ([intel/vol3] 8.4.4.1) through a real-mode trampoline copied to low
// memory, which is identity-mapped only while the processors start.
#include "arch/x86_64/smp.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_setup.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/per_cpu.h"
#include "dev/interrupts.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/page_table.h"
#include "sched/kernel_lock.h"
#include "sched/scheduler.h"
#include "sched/thread.h"
#include "time/clock.h"

extern "C" char ap_trampoline_start[];
extern "C" char ap_trampoline_parameters[];
extern "C" char ap_trampoline_end[];

namespace {

constexpr u64 TRAMPOLINE_BASE = 0x8000;
constexpr u64 AP_STACK_SIZE = 64 * KiB;
constexpr u64 START_TIMEOUT_NS = 500 * 1000 * 1000; // per processor

struct Parameters {
    u64 cr3;
    u64 stack;
    u64 entry;
    u64 index;
};

volatile u32 g_started;

u32 detect_cpu_count() {
    if (cpu::cpuid(0).eax < 0xb)
        return 1;
    // Subleaf 1 is the core level: EBX[15:0] = logical processors in the package.
    u32 count = cpu::cpuid(0xb, 1).ebx & 0xffff;
    if (count == 0)
        count = 1;
    return min<u32>(count, MAX_CPUS);
}

void spin_ns(u64 ns) {
    u64 end = monotonic_ns() + ns;
    while (monotonic_ns() < end)
        cpu::pause();
}

extern "C" [[noreturn]] void ap_main(u32 index) {
    gdt_init(index);
    idt_load();
    cpu_setup_features(index);
    interrupts_init_cpu();
    Thread* idle = MUST(thread_create_idle(this_cpu().kernel_stack_top));
    __atomic_store_n(&g_started, index, __ATOMIC_RELEASE);
    kernel_lock_acquire();
    scheduler_start_cpu(idle);
    cpu::enable_interrupts();
    idle_loop();
}

} // namespace

u32 smp_start_application_processors() {
    u32 wanted = detect_cpu_count();
    if (wanted <= 1)
        return 1;
    u64 length = u64(ap_trampoline_end - ap_trampoline_start);
    MUST(map_kernel_identity_page(TRAMPOLINE_BASE));
    memcpy(phys_to_virt(TRAMPOLINE_BASE), ap_trampoline_start, length);
    auto* parameters = reinterpret_cast<Parameters*>(
        static_cast<u8*>(phys_to_virt(TRAMPOLINE_BASE)) + (ap_trampoline_parameters - ap_trampoline_start));
    u32 online = 1;
    for (u32 index = 1; index < wanted; index++) {
        auto* stack = static_cast<u8*>(kmalloc(AP_STACK_SIZE));
        if (!stack)
            break;
        parameters->cr3 = cpu::read_cr3();
        parameters->stack = align_down(u64(stack + AP_STACK_SIZE), 16);
        parameters->entry = u64(&ap_main);
        parameters->index = index;
        cpu_block(index).kernel_stack_top = parameters->stack;
        // The kernel lock is ours: the new CPU waits for it in ap_main, after it checked in.
        u32 apic_id = index;
        send_init_ipi(apic_id);
        spin_ns(1000 * 1000);
        // Two STARTUPs, as the MP start-up algorithm prescribes; the second is ignored by a
        // processor that is already running.
        send_startup_ipi(apic_id, u8(TRAMPOLINE_BASE >> 12));
        spin_ns(200 * 1000);
        if (__atomic_load_n(&g_started, __ATOMIC_ACQUIRE) != index)
            send_startup_ipi(apic_id, u8(TRAMPOLINE_BASE >> 12));
        u64 deadline = monotonic_ns() + START_TIMEOUT_NS;
        while (__atomic_load_n(&g_started, __ATOMIC_ACQUIRE) != index && monotonic_ns() < deadline)
            cpu::pause();
        if (__atomic_load_n(&g_started, __ATOMIC_ACQUIRE) != index) {
            kprintf("ops kernel: cpu %u did not start; continuing with %u\n", index, online);
            break;
        }
        online++;
        set_cpu_count(online);
    }
    unmap_kernel_identity_page(TRAMPOLINE_BASE);
    return online;
}
