// launcher.h: starts QEMU for a RunRequest in the foreground and waits for it. This is the only
// code that creates the QEMU process; the argument vector comes from qemu_args.h and the exit
// status mapping from exit_status.h.
#pragma once

#include "ops/vmm/exit_status.h"
#include "ops/vmm/run_request.h"

namespace ops {

// Boots the VM and blocks until QEMU exits. The console goes to ops's stdout; QEMU gets
// /dev/null as stdin. SIGINT, SIGTERM, SIGHUP and SIGQUIT received meanwhile are forwarded to
// QEMU (which shuts down cleanly) and reported in the outcome. Creates and removes a private run
// directory under $TMPDIR for the exit channel. Not reentrant: one VM per process at a time.
// Throws ops::Error when QEMU cannot be started at all (exit status 127 when it is not found).
RunOutcome run_vm(const RunRequest& request);

} // namespace ops
