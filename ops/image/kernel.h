// kernel.h: locating the kernel ELF that images carry and QEMU boots.
#pragma once

#include "ops/config/config.h"

#include <filesystem>

namespace ops {

class Environment;

// The kernel to use, in order: config "Kernel" (relative paths are taken from the config file's
// directory), the OPS_KERNEL environment variable, then kernel.elf in `executable_directory`
// (the directory of the ops binary). Throws ops::Error when the chosen file does not exist or
// when none is found.
std::filesystem::path find_kernel(const Config& config, const Environment& environment,
                                  const std::filesystem::path& executable_directory);

// The directory holding the running ops executable (/proc/self/exe), or empty if unknown.
std::filesystem::path executable_directory();

} // namespace ops
