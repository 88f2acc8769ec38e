// process.h: the one program this kernel runs: its descriptors, working directory, executable
// path, recorded signal dispositions and exit. There is no fork, so there is exactly one.
#pragma once

#include "fs/open_file.h"
#include "fs/vfs.h"
#include "lib/types.h"

struct KernelSigaction {
    u64 handler;
    u64 flags;
    u64 restorer;
    u64 mask;
};
static_assert(sizeof(KernelSigaction) == 32);

constexpr int SIGNAL_COUNT = 64;

struct Process {
    FdTable fds;
    char cwd[PATH_MAX_LENGTH] = "/";
    char exe[PATH_MAX_LENGTH] = "/";
    u64 pid = 1;
    KernelSigaction actions[SIGNAL_COUNT] = {};
    bool trace = false;         // --trace: unimplemented calls and faults are reported
    bool trace_all = false;     // debugsyscalls: every call is reported
    u64 rlimit_stack = 8 * MiB;
};

Process& current_process();
bool process_tracing();
// Ends the program: reports `status` on the exit channel and stops the VM.
[[noreturn]] void process_exit(int status);
