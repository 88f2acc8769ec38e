// interrupt_guard.cpp: the deferred-signal flag and its handlers.
#include "ops/vmm/interrupt_guard.h"

#include "ops/base/error.h"

#include <cstring>
#include <iterator>
#include <string>

namespace ops {

namespace {

constexpr int kGuardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
// Written by the handler, so a plain sig_atomic_t global.
volatile sig_atomic_t g_interrupted = 0;

void remember_signal(int signal) {
    g_interrupted = signal;
}

} // namespace

InterruptGuard::InterruptGuard() {
    static_assert(sizeof m_saved / sizeof m_saved[0] == std::size(kGuardedSignals));
    g_interrupted = 0;
    struct sigaction action {};
    action.sa_handler = remember_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART; // the work in progress (ip, file writes) just carries on
    for (std::size_t i = 0; i < std::size(kGuardedSignals); ++i)
        ::sigaction(kGuardedSignals[i], &action, &m_saved[i]);
}

InterruptGuard::~InterruptGuard() {
    for (std::size_t i = 0; i < std::size(kGuardedSignals); ++i)
        ::sigaction(kGuardedSignals[i], &m_saved[i], nullptr);
}

void InterruptGuard::throw_if_interrupted() const {
    int signal = g_interrupted;
    if (signal == 0)
        return;
    const char* name = signal == SIGINT    ? "SIGINT"
                       : signal == SIGTERM ? "SIGTERM"
                       : signal == SIGHUP  ? "SIGHUP"
                                           : "SIGQUIT";
    throw Error(std::string("stopped by ") + name, "", 128 + signal);
}

} // namespace ops
