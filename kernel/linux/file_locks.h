// file_locks.h: fcntl advisory record locks (F_GETLK/F_SETLK/F_SETLKW and the open-file-
// description variants). fs_calls.cpp's fcntl hands these commands here.
#pragma once

#include "lib/result.h"
#include "lib/types.h"

struct OpenFile;

// Whether `command` is one of the record-lock commands fcntl_lock handles.
bool is_record_lock_command(int command);

// Carries out a record-lock command on `file` with the struct flock at user address
// `argument`. Does not block (see file_locks.cpp for why no lock can conflict).
Result<u64> fcntl_lock(OpenFile* file, int command, u64 argument);
