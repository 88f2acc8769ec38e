// context.h: what every command shares: the environment it reads, and the exit status a command
// leaves for main.cpp.
#pragma once

#include "ops/base/environment.h"
#include "ops/base/log.h"
#include "ops/base/terminal.h"

#include <filesystem>

namespace ops {

struct Context {
    Environment environment = Environment::process();
    std::filesystem::path executable_directory;  // where kernel.elf is looked for last
    int exit_status = 0;
    bool json = false;  // -j/--json: lists are printed as JSON arrays
    Log log;            // --show-errors / --show-warnings / --show-debug
    Terminal terminal = Terminal::process();  // confirmations and progress lines
};

} // namespace ops
