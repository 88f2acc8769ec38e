// signals.cpp: signal queueing and delivery with the x86-64 Linux frame layout
// ([linux] arch/x86/include/uapi/asm/sigcontext.h, arch/x86/kernel/signal.c): the handler gets
// (signo, siginfo*, ucontext*) and returns through sa_restorer into rt_sigreturn.
#include "linux/signals.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/interrupt_guard.h"
#include "fs/poll.h"
#include "lib/format.h"
#include "lib/string.h"
#include "linux/process.h"
#include "linux/user_memory.h"
#include "mm/heap.h"
#include "sched/scheduler.h"

namespace {

constexpr u64 SA_SIGINFO = 0x4, SA_ONSTACK = 0x08000000, SA_RESTORER = 0x04000000,
              SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000;
constexpr u64 SIG_DFL = 0, SIG_IGN = 1;
constexpr i32 SS_ONSTACK = 1, SS_DISABLE = 2;
constexpr u64 RED_ZONE = 128;
// Flags the program may change through sigreturn: CF PF AF ZF SF TF DF OF AC RF (and IF stays on).
constexpr u64 USER_FLAGS_MASK = 0x40dd5 | (1 << 16);

struct StackInfo {
    u64 sp;
    i32 flags;
    i32 pad;
    u64 size;
};

struct SigContext {
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
    u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    u16 cs, gs, fs, ss;
    u64 err, trapno, oldmask, cr2;
    u64 fpstate;
    u64 reserved[8];
};
static_assert(sizeof(SigContext) == 256);

struct UContext {
    u64 flags;
    u64 link;
    StackInfo stack;
    SigContext mcontext;
    u64 sigmask;
};
static_assert(sizeof(UContext) == 304);

// The software-reserved tail of the FXSAVE image that tells sigreturn an XSAVE area follows
// ([linux] arch/x86/include/uapi/asm/sigcontext.h, struct _fpx_sw_bytes).
constexpr u32 FP_XSTATE_MAGIC1 = 0x46505853;
constexpr u32 FP_XSTATE_MAGIC2 = 0x46505845;
constexpr u64 SW_BYTES_OFFSET = 464;
struct FpxSwBytes {
    u32 magic1;
    u32 extended_size;
    u64 xfeatures;
    u32 xstate_size;
    u32 padding[7];
};
static_assert(sizeof(FpxSwBytes) == 48);
constexpr u64 UC_FP_XSTATE = 1, UC_SIGCONTEXT_SS = 2;

// A 64-byte aligned scratch save area on the kernel heap.
class FpuBuffer {
  public:
    FpuBuffer() : m_raw(static_cast<u8*>(kmalloc(fpu_state_size() + 64 + 4))) {}
    ~FpuBuffer() { kfree(m_raw); }
    u8* data() { return m_raw ? reinterpret_cast<u8*>(align_up(u64(m_raw), 64)) : nullptr; }

  private:
    u8* m_raw;
};

struct SignalFrame {
    u64 return_address; // sa_restorer
    UContext uc;
    SignalInfo info;
};

bool default_is_ignore(int signo) {
    return signo == signal::SIGCHLD || signo == signal::SIGURG || signo == signal::SIGWINCH ||
           signo == signal::SIGCONT || signo == signal::SIGSTOP || signo == signal::SIGTSTP ||
           signo == signal::SIGTTIN || signo == signal::SIGTTOU;
}

[[noreturn]] void terminate_by(int signo) {
    kprintf("\nops: program killed by signal %d\n", signo);
    process_exit(128 + signo);
}

bool on_alternate_stack(const Thread& t, u64 sp) {
    return t.altstack_size && sp > t.altstack_sp && sp <= t.altstack_sp + t.altstack_size;
}

// Builds the frame; false if the user stack is unusable (the caller then kills the program).
bool build_frame(Thread& t, TrapFrame& frame, int signo, const SignalInfo& info,
                 const KernelSigaction& action) {
    constexpr u64 SA_RESTART = 0x10000000;
    constexpr u64 SYSCALL_INSTRUCTION_LENGTH = 2;
    if (t.restartable_syscall != ~0ull) {
        // The interrupted call runs again when the handler returns: rewind to `syscall`.
        if (action.flags & SA_RESTART) {
            frame.rax = t.restartable_syscall;
            frame.rip -= SYSCALL_INSTRUCTION_LENGTH;
        }
        t.restartable_syscall = ~0ull;
    }
    u64 sp = frame.rsp;
    bool was_on_altstack = on_alternate_stack(t, sp);
    if ((action.flags & SA_ONSTACK) && !(t.altstack_flags & SS_DISABLE) && !was_on_altstack)
        sp = t.altstack_sp + t.altstack_size;
    else
        sp -= RED_ZONE;

    FpuBuffer fpu;
    if (!fpu.data())
        return false;
    fpu_save(fpu.data());
    u64 fpu_bytes = 512;
    if (fpu_uses_xsave()) {
        FpxSwBytes sw = {FP_XSTATE_MAGIC1, u32(fpu_state_size() + 4), fpu_enabled_features(),
                         u32(fpu_state_size()), {}};
        memcpy(fpu.data() + SW_BYTES_OFFSET, &sw, sizeof(sw));
        u32 magic2 = FP_XSTATE_MAGIC2;
        memcpy(fpu.data() + fpu_state_size(), &magic2, 4);
        fpu_bytes = fpu_state_size() + 4;
    }
    sp = align_down(sp - fpu_bytes, 64);
    u64 fpstate = sp;
    sp = align_down(sp - sizeof(SignalFrame), 16) - 8; // as after a call: (sp + 8) % 16 == 0

    SignalFrame f = {};
    f.return_address = action.restorer;
    f.info = info;
    f.uc.flags = UC_SIGCONTEXT_SS | (fpu_uses_xsave() ? UC_FP_XSTATE : 0);
    f.uc.stack = {t.altstack_sp, was_on_altstack ? SS_ONSTACK : t.altstack_flags, 0,
                  t.altstack_size};
    SigContext& m = f.uc.mcontext;
    m.r8 = frame.r8, m.r9 = frame.r9, m.r10 = frame.r10, m.r11 = frame.r11;
    m.r12 = frame.r12, m.r13 = frame.r13, m.r14 = frame.r14, m.r15 = frame.r15;
    m.rdi = frame.rdi, m.rsi = frame.rsi, m.rbp = frame.rbp, m.rbx = frame.rbx;
    m.rdx = frame.rdx, m.rax = frame.rax, m.rcx = frame.rcx, m.rsp = frame.rsp;
    m.rip = frame.rip, m.eflags = frame.rflags;
    m.cs = u16(frame.cs), m.ss = u16(frame.ss);
    m.err = frame.vector < 32 ? frame.error_code : 0;
    m.trapno = frame.vector < 32 ? frame.vector : 0;
    u64 restore_mask = t.has_saved_mask ? t.saved_mask : t.signal_mask;
    t.has_saved_mask = false;
    m.oldmask = restore_mask;
    m.cr2 = (signo == signal::SIGSEGV || signo == signal::SIGBUS) ? info.fields[0] : 0;
    m.fpstate = fpstate;
    f.uc.sigmask = restore_mask;

    if (copy_array_to_user(UserOut<u8>(fpstate), fpu.data(), fpu_bytes).is_error() ||
        copy_to_user(UserOut<SignalFrame>(sp), &f).is_error())
        return false;

    frame.rsp = sp;
    frame.rip = action.handler;
    frame.rdi = u64(signo);
    frame.rsi = sp + offsetof(SignalFrame, info);
    frame.rdx = sp + offsetof(SignalFrame, uc);
    frame.rax = 0;
    frame.rflags &= ~(1ull << 8 | 1ull << 10); // TF, DF clear for the handler
    frame.vector = 0; // leave through IRET: every register of the frame matters now
    t.signal_mask |= action.mask;
    if (!(action.flags & SA_NODEFER))
        t.signal_mask |= signal::bit(signo);
    t.signal_mask &= ~signal::UNBLOCKABLE;
    return true;
}

} // namespace

void send_signal(Thread* thread, const SignalInfo& info) {
    InterruptGuard guard;
    int signo = info.signo;
    if (signo < 1 || signo > SIGNAL_COUNT)
        return;
    thread->pending_info[signo - 1] = info;
    thread->pending_signals |= signal::bit(signo);
    if (!(thread->signal_mask & signal::bit(signo)) || (thread->waiting_for & signal::bit(signo))) {
        wake(thread, WakeReason::Interrupted);
        kick_thread(thread);
    }
    poll_notify(); // signalfd readers
}

void send_signal_to_program(const SignalInfo& info) {
    Thread* target = nullptr;
    all_threads().for_each([&](Thread* t) {
        if (!target && !(t->signal_mask & signal::bit(info.signo)))
            target = t;
    });
    if (!target)
        target = current_thread();
    send_signal(target, info);
}

void force_fault_signal(Thread* thread, int signo, int code, u64 address) {
    KernelSigaction& action = current_process().actions[signo - 1];
    if (action.handler == SIG_IGN || (thread->signal_mask & signal::bit(signo))) {
        action.handler = SIG_DFL;
        thread->signal_mask &= ~signal::bit(signo);
    }
    SignalInfo info = {};
    info.signo = signo;
    info.code = code;
    info.fields[0] = address;
    send_signal(thread, info);
}

bool dequeue_signal(Thread& t, u64 set, SignalInfo* out) {
    InterruptGuard guard;
    u64 candidates = t.pending_signals & set;
    if (!candidates)
        return false;
    int signo = __builtin_ctzll(candidates) + 1;
    *out = t.pending_info[signo - 1];
    t.pending_signals &= ~signal::bit(signo);
    return true;
}

void deliver_pending_signals(TrapFrame& frame) {
    Thread& t = *current_thread();
    for (;;) {
        u64 deliverable;
        int signo;
        SignalInfo info;
        {
            InterruptGuard guard;
            deliverable = t.pending_signals & ~t.signal_mask;
            if (!deliverable)
                return;
            signo = __builtin_ctzll(deliverable) + 1;
            info = t.pending_info[signo - 1];
            t.pending_signals &= ~signal::bit(signo);
        }
        KernelSigaction action = current_process().actions[signo - 1];
        if (action.handler == SIG_IGN)
            continue;
        if (action.handler == SIG_DFL) {
            if (default_is_ignore(signo))
                continue;
            terminate_by(signo);
        }
        if (!(action.flags & SA_RESTORER) || !build_frame(t, frame, signo, info, action)) {
            // No way back from the handler, or no room for the frame: fatal, as on Linux.
            terminate_by(signal::SIGSEGV);
        }
        if (action.flags & SA_RESETHAND)
            current_process().actions[signo - 1].handler = SIG_DFL;
        return; // one handler frame per return to user mode
    }
}

// Restores the program's FPU registers from a signal frame's fpstate, sanitised so the
// restore instruction cannot fault on what the program wrote there.
void restore_fpu_state(u64 fpstate) {
    FpuBuffer fpu;
    if (!fpu.data() || copy_array_from_user(fpu.data(), UserIn<u8>(fpstate), 512).is_error())
        terminate_by(signal::SIGSEGV);
    // MXCSR's reserved bits must be zero or the restore faults ([intel/vol1] 10.5.1.2).
    u32 mxcsr;
    memcpy(&mxcsr, fpu.data() + 24, 4);
    mxcsr &= 0xffff;
    memcpy(fpu.data() + 24, &mxcsr, 4);
    FpxSwBytes sw;
    memcpy(&sw, fpu.data() + SW_BYTES_OFFSET, sizeof(sw));
    bool extended = fpu_uses_xsave() && sw.magic1 == FP_XSTATE_MAGIC1 &&
                    sw.xstate_size == fpu_state_size();
    if (!fpu_uses_xsave()) {
        fpu_restore(fpu.data());
        return;
    }
    if (extended) {
        if (copy_array_from_user(fpu.data() + 512, UserIn<u8>(fpstate + 512),
                                 fpu_state_size() - 512)
                .is_error())
            terminate_by(signal::SIGSEGV);
        // XSAVE header: only enabled components, standard format, reserved bytes zero.
        u64 header[8];
        memcpy(header, fpu.data() + 512, sizeof(header));
        header[0] &= fpu_enabled_features();
        for (int i = 1; i < 8; i++)
            header[i] = 0;
        memcpy(fpu.data() + 512, header, sizeof(header));
    } else {
        // A legacy frame: x87/SSE from it, the other components back to their initial state.
        u64 header[8] = {fpu_enabled_features() & 3};
        memset(fpu.data() + 512, 0, fpu_state_size() - 512);
        memcpy(fpu.data() + 512, header, sizeof(header));
    }
    fpu_restore(fpu.data());
}

Result<u64> restore_signal_frame(TrapFrame& frame) {
    Thread& t = *current_thread();
    u64 frame_address = frame.rsp - 8; // the handler's `ret` popped return_address
    SignalFrame f;
    if (copy_from_user(&f, UserIn<SignalFrame>(frame_address)).is_error())
        terminate_by(signal::SIGSEGV);
    const SigContext& m = f.uc.mcontext;
    frame.r8 = m.r8, frame.r9 = m.r9, frame.r10 = m.r10, frame.r11 = m.r11;
    frame.r12 = m.r12, frame.r13 = m.r13, frame.r14 = m.r14, frame.r15 = m.r15;
    frame.rdi = m.rdi, frame.rsi = m.rsi, frame.rbp = m.rbp, frame.rbx = m.rbx;
    frame.rdx = m.rdx, frame.rax = m.rax, frame.rcx = m.rcx, frame.rsp = m.rsp;
    frame.rip = m.rip;
    frame.rflags = (frame.rflags & ~USER_FLAGS_MASK) | (m.eflags & USER_FLAGS_MASK) | (1 << 9);
    frame.cs = selector::USER_CODE;
    frame.ss = selector::USER_DATA;
    frame.vector = 0; // IRET: rcx and r11 are the program's again
    t.signal_mask = f.uc.sigmask & ~signal::UNBLOCKABLE;
    if (m.fpstate)
        restore_fpu_state(m.fpstate);
    if (!on_alternate_stack(t, frame.rsp) && f.uc.stack.flags != SS_ONSTACK) {
        t.altstack_sp = f.uc.stack.sp;
        t.altstack_size = f.uc.stack.size;
        t.altstack_flags = f.uc.stack.flags & SS_DISABLE;
    }
    return frame.rax;
}
