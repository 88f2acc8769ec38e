// procfs.h: the /proc and /sys files common runtimes read: /proc/self/{exe,maps,fd,status,
// cmdline}, /proc/{meminfo,cpuinfo,stat,uptime}, /sys/devices/system/cpu/{online,possible}.
#pragma once

#include "lib/result.h"
#include "lib/types.h"

// Adds /proc and /sys over the image's own directories of those names.
Result<void> procfs_init(const char* const* argv, u64 argc);
