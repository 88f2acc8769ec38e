// progress_test.cpp: the progress line appears only on a terminal and only after its delay, and
// is erased when done; the yes/no question; log levels.
#include "ops/base/log.h"
#include "ops/base/progress.h"
#include "ops/base/terminal.h"

#include <gtest/gtest.h>

#include <thread>

namespace ops {
namespace {

std::string contents(FILE* file) {
    std::fflush(file);
    std::rewind(file);
    std::string text;
    for (int c; (c = std::fgetc(file)) != EOF;)
        text.push_back(static_cast<char>(c));
    return text;
}

TEST(Progress, DrawsOnATerminalAfterTheDelay) {
    FILE* out = std::tmpfile();
    {
        Progress progress(Terminal{false, true, stdin, out}, "copying", 4 << 20,
                          std::chrono::milliseconds(10));
        progress.add_bytes(1 << 20);
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
    }
    std::string text = contents(out);
    EXPECT_NE(text.find("ops: copying 1.0 MiB of 4.0 MiB (25%) 0s"), std::string::npos) << text;
    EXPECT_EQ(text.substr(text.size() - 4), "\r\033[K");  // erased at the end
    std::fclose(out);
}

TEST(Progress, SilentWhenFastOrNotATerminal) {
    FILE* out = std::tmpfile();
    { Progress fast(Terminal{false, true, stdin, out}, "building"); }
    {
        Progress piped(Terminal{false, false, stdin, out}, "building", 0,
                       std::chrono::milliseconds(0));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(contents(out), "");
    std::fclose(out);
    EXPECT_EQ(Progress::line("building x", 0, 0, std::chrono::milliseconds(2500)),
              "ops: building x 2s");
}

TEST(Terminal, AskYesNo) {
    for (auto [answer, expected] : std::vector<std::pair<std::string, bool>>{
             {"y\n", true}, {"YES\n", true}, {"n\n", false}, {"\n", false}, {"", false}}) {
        FILE* in = std::tmpfile();
        FILE* err = std::tmpfile();
        std::fputs(answer.c_str(), in);
        std::rewind(in);
        EXPECT_EQ(ask_yes_no(Terminal{true, true, in, err}, "Delete?"), expected) << answer;
        EXPECT_EQ(contents(err), "Delete? [y/N] ");
        std::fclose(in);
        std::fclose(err);
    }
}

TEST(Log, Levels) {
    FILE* out = std::tmpfile();
    Log log;
    log.set_output(out);
    log.warning("hidden");
    log.show(LogLevel::warnings);
    log.warning("shown");
    log.debug("hidden too");
    log.show(LogLevel::debug);
    log.show(LogLevel::errors);  // never lowers
    log.debug("details");
    EXPECT_EQ(contents(out), "ops: warning: shown\nops: debug: details\n");
    std::fclose(out);
}

} // namespace
} // namespace ops
