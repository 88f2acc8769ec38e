// trap.cpp: handle_trap, called by interrupts.S for every exception and interrupt. Page faults
// go to the address space; other faults from the program end it with the matching signal; a
// fault in the kernel is a panic with registers and a backtrace.
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/trap_frame.h"
#include "dev/interrupts.h"
#include "lib/format.h"
#include "lib/panic.h"
#include "linux/process.h"
#include "linux/signals.h"
#include "mm/address_space.h"
#include "mm/tlb.h"
#include "sched/cpu_time.h"
#include "sched/kernel_lock.h"
#include "sched/scheduler.h"

extern "C" u64 user_copy_fixups_start[];
extern "C" u64 user_copy_fixups_end[];

namespace {

const char* exception_name(u64 v) {
    static const char* const names[] = {
        "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
        "invalid opcode", "device not available", "double fault", "coprocessor overrun",
        "invalid TSS", "segment not present", "stack fault", "general protection",
        "page fault", "reserved", "x87 floating point", "alignment check", "machine check",
        "SIMD floating point", "virtualization", "control protection"};
    return v < sizeof(names) / sizeof(names[0]) ? names[v] : "exception";
}

bool apply_user_copy_fixup(TrapFrame& frame) {
    for (u64* f = user_copy_fixups_start; f < user_copy_fixups_end; f += 2) {
        if (frame.rip == f[0]) {
            frame.rip = f[1];
            return true;
        }
    }
    return false;
}

// Linux signal numbers for the fatal faults of a single-threaded program (issue: signals).
int signal_for(u64 v) {
    switch (v) {
    case vector::DIVIDE_ERROR:
    case vector::X87_FLOATING_POINT:
    case vector::SIMD_FLOATING_POINT:
        return 8; // SIGFPE
    case vector::INVALID_OPCODE:
        return 4; // SIGILL
    case vector::DEBUG:
    case vector::BREAKPOINT:
        return 5; // SIGTRAP
    case 17:
        return 7; // SIGBUS (alignment check)
    default:
        return 11; // SIGSEGV
    }
}

// si_code for the fault ([linux] include/uapi/asm-generic/siginfo.h).
int fault_code(u64 v, u64 error_code) {
    switch (v) {
    case vector::PAGE_FAULT:
        return (error_code & 1) ? 2 /* SEGV_ACCERR */ : 1 /* SEGV_MAPERR */;
    case vector::DIVIDE_ERROR:
        return 1; // FPE_INTDIV
    case vector::INVALID_OPCODE:
        return 2; // ILL_ILLOPN
    case vector::BREAKPOINT:
        return 1; // TRAP_BRKPT
    case vector::GENERAL_PROTECTION:
        return 0x80; // SI_KERNEL, as Linux reports #GP
    default:
        return 0;
    }
}

} // namespace

void dump_frame(const TrapFrame& f) {
    kprintf("  rip %016lx  rsp %016lx  rflags %016lx  cs %lx ss %lx\n", f.rip, f.rsp, f.rflags,
            f.cs, f.ss);
    kprintf("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", f.rax, f.rbx, f.rcx, f.rdx);
    kprintf("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n", f.rsi, f.rdi, f.rbp, f.r8);
    kprintf("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n", f.r9, f.r10, f.r11, f.r12);
    kprintf("  r13 %016lx  r14 %016lx  r15 %016lx  cr2 %016lx\n", f.r13, f.r14, f.r15,
            cpu::read_cr2());
}

void backtrace_from(u64 rbp) {
    kprintf("  backtrace:");
    for (int depth = 0; depth < 16 && rbp >= 0xffff800000000000 && (rbp & 7) == 0; depth++) {
        u64* frame = reinterpret_cast<u64*>(rbp);
        kprintf(" %lx", frame[1]);
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
    kprintf("\n");
}

void handle_trap_locked(TrapFrame* frame) {
    u64 v = frame->vector;
    if (v >= vector::TIMER) {
        dispatch_interrupt(u8(v));
        if (frame->from_user())
            on_return_to_user(frame);
        return;
    }
    bool bus_error = false; // a file mapping past the end of its file: SIGBUS, BUS_ADRERR
    if (v == vector::PAGE_FAULT) {
        u64 address = cpu::read_cr2();
        FaultResult result = handle_page_fault(address, frame->error_code);
        if (result == FaultResult::Resolved)
            return;
        if (!frame->from_user() && apply_user_copy_fixup(*frame))
            return;
        bus_error = result == FaultResult::BusError;
    }
    if (frame->from_user()) {
        int signo = bus_error ? 7 : signal_for(v);
        u64 address = v == vector::PAGE_FAULT ? cpu::read_cr2() : frame->rip;
        if (process_tracing()) {
            kprintf("ops trace: %s at %lx (address %lx): signal %d\n", exception_name(v),
                    frame->rip, address, signo);
            dump_frame(*frame);
        }
        current_thread()->user_frame = frame;
        force_fault_signal(current_thread(), signo,
                           bus_error ? 2 : fault_code(v, frame->error_code), address);
        on_return_to_user(frame);
        return;
    }
    kprintf("\nkernel fault: %s (vector %lu, error %lx)\n", exception_name(v), v,
            frame->error_code);
    dump_frame(*frame);
    backtrace_from(frame->rbp);
    panic("unrecoverable kernel fault");
}

extern "C" void handle_trap(TrapFrame* frame) {
    u64 v = frame->vector;
    if (v == vector::IPI_TLB_FLUSH) {
        // Served without the kernel lock: its sender holds it and waits for us.
        tlb_flush_interrupt();
        end_of_interrupt();
        return;
    }
    kernel_lock_acquire();
    bool from_user = frame->from_user();
    if (from_user)
        cpu_time_enter_kernel();
    handle_trap_locked(frame);
    if (from_user)
        cpu_time_leave_kernel();
    kernel_lock_release();
}
