// process.cpp: the process singleton and the exit path (exit channel + isa-debug-exit).
#include "linux/process.h"
#include "arch/x86_64/cpu.h"
#include "dev/serial.h"
#include "fs/tfs_volume.h"
#include "lib/format.h"
#include "linux/missing_files.h"
#include "mm/address_space.h"

namespace {
Process g_process;
constexpr u16 DEBUG_EXIT_PORT = 0xf4;
} // namespace

Process& current_process() { return g_process; }
bool process_tracing() { return g_process.trace; }

void process_exit(int status) {
    cpu::disable_interrupts();
    current_address_space().sync_all(); // MAP_SHARED changes reach their files
    tfs_sync_all(); // buffered filesystem records reach the disk before the VM stops
    missing_files_report();
    char line[32];
    format(line, sizeof(line), "exit %d", status & 0xff);
    exit_channel_write(line);
    // Leave through isa-debug-exit; ops takes the status from the exit channel.
    cpu::outl(DEBUG_EXIT_PORT, 0);
    for (;;)
        cpu::halt();
}
