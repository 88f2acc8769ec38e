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
    // Resource limits as the program set them (prlimit64), indexed by RLIMIT_*; initialised by
    // process_calls.cpp on first use.
    struct Limit {
        u64 current;
        u64 maximum;
    };
    Limit limits[16] = {};
    bool limits_ready = false;
};

Process& current_process();
bool process_tracing();
// Ends the program: reports `status` on the exit channel and stops the VM.
[[noreturn]] void process_exit(int status);
