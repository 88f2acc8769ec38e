// terminal.cpp: terminal detection and the yes/no question.
#include "ops/base/terminal.h"

#include <cctype>
#include <unistd.h>

namespace ops {

Terminal Terminal::process() {
    Terminal terminal;
    terminal.input_interactive = ::isatty(STDIN_FILENO) == 1;
    terminal.error_interactive = ::isatty(STDERR_FILENO) == 1;
    return terminal;
}

bool ask_yes_no(const Terminal& terminal, const std::string& question) {
    std::fprintf(terminal.error, "%s [y/N] ", question.c_str());
    std::fflush(terminal.error);
    std::string answer;
    // A bounded read: an answer longer than this is not "yes" anyway.
    constexpr std::size_t kMaxAnswer = 64;
    for (int c; (c = std::fgetc(terminal.input)) != EOF && c != '\n';)
        if (answer.size() < kMaxAnswer && !std::isspace(c))
            answer.push_back(static_cast<char>(std::tolower(c)));
    return answer == "y" || answer == "yes";
}

} // namespace ops
