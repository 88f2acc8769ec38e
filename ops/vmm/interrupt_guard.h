// interrupt_guard.h: holds back ^C and the other termination signals while ops sets up host
// state that must be undone (a tap, a bridge) and builds the image, so that an interrupted run
// still unwinds through its destructors. The launcher forwards the same signals to QEMU once it
// runs (launcher.h); this covers the time before.
#pragma once

#include <csignal>

namespace ops {

// Installs flag-setting handlers for SIGINT, SIGTERM, SIGHUP and SIGQUIT; the destructor puts
// the previous ones back. Not reentrant: one per process at a time.
class InterruptGuard {
  public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    // Throws ops::Error "stopped by SIGINT" with exit status 128+N when one of the signals
    // arrived since construction.
    void throw_if_interrupted() const;

  private:
    struct sigaction m_saved[4]{};
};

} // namespace ops
