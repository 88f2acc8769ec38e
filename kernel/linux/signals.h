// signals.h: Linux signal state and delivery: pending sets per thread, dispositions per
// program, the rt_sigframe built on the user stack (or the alternate stack), and faults turned
// into synchronous signals.
#pragma once

#include "arch/x86_64/trap_frame.h"
#include "sched/thread.h"

namespace signal {
constexpr int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6,
              SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12,
              SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19,
              SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGWINCH = 28;
constexpr u64 bit(int signo) { return 1ull << (signo - 1); }
constexpr u64 UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);
} // namespace signal

// Queues a signal for a thread and wakes it if it is blocked and the signal is not masked.
void send_signal(Thread* thread, const SignalInfo& info);
// A signal for the program as a whole: goes to a thread that does not block it.
void send_signal_to_program(const SignalInfo& info);
// A fault in user mode: the signal cannot be blocked or ignored (Linux's force_sig).
void force_fault_signal(Thread* thread, int signo, int code, u64 address);
// Takes the lowest pending signal in `set` off the thread's queue; false if none.
bool dequeue_signal(Thread& thread, u64 set, SignalInfo* out);
// Builds a handler frame for the first deliverable signal, or applies its default action.
void deliver_pending_signals(TrapFrame& frame);
// rt_sigreturn: restores the context saved by delivery. Returns the restored rax.
Result<u64> restore_signal_frame(TrapFrame& frame);
