// log.h: the small logging level behind --show-errors, --show-warnings and --show-debug (the
// established ops's global flags). Messages go to stderr prefixed "ops: "; errors that end a
// command are not logged here but thrown as ops::Error and printed once by main.cpp.
#pragma once

#include <cstdio>
#include <string_view>

namespace ops {

// Ordered: a level shows its own messages and all more severe ones.
enum class LogLevel { errors, warnings, debug };

class Log {
public:
    LogLevel level() const { return m_level; }
    // Only raises the level: "--show-debug --show-errors" still shows debug messages.
    void show(LogLevel level) {
        if (level > m_level)
            m_level = level;
    }
    void set_output(std::FILE* output) { m_output = output; }

    bool enabled(LogLevel level) const { return level <= m_level; }
    void warning(std::string_view message) const { write(LogLevel::warnings, "warning: ", message); }
    void debug(std::string_view message) const { write(LogLevel::debug, "debug: ", message); }

private:
    void write(LogLevel level, const char* prefix, std::string_view message) const {
        if (!enabled(level))
            return;
        std::fprintf(m_output, "ops: %s%.*s\n", prefix, static_cast<int>(message.size()),
                     message.data());
    }

    LogLevel m_level = LogLevel::errors;
    std::FILE* m_output = stderr;
};

} // namespace ops
