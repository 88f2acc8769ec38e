// pipe.h: anonymous pipes (pipe2) and eventfd counters as VFS nodes. Both block the caller
// when empty/full and wake pollers on every change.
#pragma once

#include "fs/inode.h"

struct PipeEnds {
    Inode* read_end;
    Inode* write_end;
};
Result<PipeEnds> pipe_create();

Result<Inode*> eventfd_create(u64 initial, bool semaphore);
