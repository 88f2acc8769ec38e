// elf_loader.h: loads the program's ELF into the address space and builds its initial stack
// (argv, envp, auxv) as the x86-64 System V ABI lays it out.
#pragma once

#include "arch/x86_64/trap_frame.h"
#include "lib/result.h"

struct ProgramImage {
    const char* path;     // absolute path inside the image
    const char* const* argv;
    u64 argc;
    const char* const* envp;
    u64 envc;
    bool randomize;       // ASLR (off with the manifest's noaslr)
};

// Loads the program and fills `frame` for its first instruction. On failure prints nothing;
// the caller reports the error.
Result<void> load_program(const ProgramImage& program, TrapFrame& frame);
// A sentence for the last load failure (e.g. the ELF parser's message).
const char* load_program_error_detail();
