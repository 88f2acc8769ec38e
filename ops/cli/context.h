// context.h: what every command shares: the environment it reads, and the exit status a command
// leaves for main.cpp.
#pragma once

#include "ops/base/environment.h"

#include <filesystem>

namespace ops {

struct Context {
    Environment environment = Environment::process();
    std::filesystem::path executable_directory;  // where kernel.elf is looked for last
    int exit_status = 0;
};

} // namespace ops
