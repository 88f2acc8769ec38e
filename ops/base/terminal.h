// terminal.h: whether ops talks to a person (stdin/stderr are terminals), and the streams it asks
// and reports on. Commands read it from the Context so tests can fake a terminal.
#pragma once

#include <cstdio>
#include <string>

namespace ops {

struct Terminal {
    bool input_interactive = false;  // stdin is a terminal: confirmation questions may be asked
    bool error_interactive = false;  // stderr is a terminal: progress lines may be drawn
    std::FILE* input = stdin;
    std::FILE* error = stderr;

    // The process's own streams, checked with isatty().
    static Terminal process();
};

// Asks `question` on terminal.error and reads one line from terminal.input. True for "y" or
// "yes" (any case); false for anything else, including end of input. Blocks on the input.
bool ask_yes_no(const Terminal& terminal, const std::string& question);

} // namespace ops
