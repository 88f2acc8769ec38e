// Tests for ops/vmm/exit_status.cpp: the exit channel and the exit-status mapping that
// docs/exit-status.md documents.
#include "ops/vmm/exit_status.h"

#include "ops/base/error.h"

#include <csignal>
#include <gtest/gtest.h>

namespace ops {
namespace {

TEST(ExitLine, ParsesExitCodes) {
    for (auto [text, code] : std::vector<std::pair<const char*, int>>{
             {"exit 0\n", 0}, {"exit 7\n", 7}, {"exit 255\n", 255}, {"exit 42", 42},
             {"exit 1\r\n", 1}, {"exit 3\nexit 4\n", 3}}) {
        ExitLine line = parse_exit_line(text);
        EXPECT_EQ(line.kind, ExitLine::Kind::Exit) << text;
        EXPECT_EQ(line.code, code) << text;
    }
}

TEST(ExitLine, Panic) {
    EXPECT_EQ(parse_exit_line("panic\n").kind, ExitLine::Kind::Panic);
    EXPECT_EQ(parse_exit_line("panic").kind, ExitLine::Kind::Panic);
}

TEST(ExitLine, MissingAndMalformed) {
    EXPECT_EQ(parse_exit_line("").kind, ExitLine::Kind::Missing);
    for (const char* bad : {"\n", "exit\n", "exit 256\n", "exit -1\n", "exit 01\n", "exit  1\n",
                            "exit 1 \n", "EXIT 1\n", "panic!\n", "exit 1000\n", "garbage"}) {
        ExitLine line = parse_exit_line(bad);
        EXPECT_EQ(line.kind, ExitLine::Kind::Malformed) << bad;
    }
    ExitLine binary = parse_exit_line(std::string("\x01\xff", 2));
    EXPECT_EQ(binary.text, "??");
}

TEST(ExitLine, ReadsOnlyTheBoundedPrefix) {
    std::string huge(kMaxExitChannelBytes * 4, 'x');
    ExitLine line = parse_exit_line(huge);
    EXPECT_EQ(line.kind, ExitLine::Kind::Malformed);
    EXPECT_LE(line.text.size(), 64u);
}

ExitLine exit_with(int code) {
    ExitLine line;
    line.kind = ExitLine::Kind::Exit;
    line.code = code;
    return line;
}

TEST(RunOutcome, ProgramStatusPassesThrough) {
    for (int code : {0, 1, 7, 255}) {
        RunOutcome outcome = decide_run_outcome(exit_with(code), QemuEnd{true, 1, true, 0});
        EXPECT_EQ(outcome.exit_status, code);
        EXPECT_EQ(outcome.message, "");
    }
    // A ^C that raced with the program's exit does not hide its status.
    EXPECT_EQ(decide_run_outcome(exit_with(3), QemuEnd{true, 1, true, SIGINT}).exit_status, 3);
}

TEST(RunOutcome, PanicIsACrash) {
    ExitLine panic;
    panic.kind = ExitLine::Kind::Panic;
    RunOutcome outcome = decide_run_outcome(panic, QemuEnd{true, 1, true, 0});
    EXPECT_EQ(outcome.exit_status, kExitCrashed);
    EXPECT_EQ(outcome.message, "the kernel crashed (see the message above)");
}

TEST(RunOutcome, NoExitLine) {
    ExitLine missing;
    // Triple fault or shutdown under -no-reboot: QEMU exits 0.
    EXPECT_EQ(decide_run_outcome(missing, QemuEnd{true, 0, true, 0}).exit_status, kExitCrashed);
    // isa-debug-exit with a nonzero value but no line: still a crash.
    EXPECT_EQ(decide_run_outcome(missing, QemuEnd{true, 3, true, 0}).exit_status, kExitCrashed);
    // QEMU's own errors exit 1 before the guest runs.
    RunOutcome failed = decide_run_outcome(missing, QemuEnd{true, 1, true, 0});
    EXPECT_EQ(failed.exit_status, kExitQemuFailed);
    EXPECT_NE(failed.message.find("QEMU failed"), std::string::npos);
    EXPECT_EQ(decide_run_outcome(missing, QemuEnd{true, 0, false, 0}).exit_status,
              kExitQemuFailed);
    // Killed from outside.
    RunOutcome killed = decide_run_outcome(missing, QemuEnd{false, SIGKILL, true, 0});
    EXPECT_EQ(killed.exit_status, kExitCrashed);
    EXPECT_NE(killed.message.find("SIGKILL"), std::string::npos);
}

TEST(RunOutcome, ForwardedSignals) {
    ExitLine missing;
    RunOutcome interrupted = decide_run_outcome(missing, QemuEnd{true, 0, true, SIGINT});
    EXPECT_EQ(interrupted.exit_status, 130);
    EXPECT_EQ(interrupted.message, "stopped by SIGINT");
    EXPECT_EQ(decide_run_outcome(missing, QemuEnd{true, 0, true, SIGTERM}).exit_status, 143);
}

TEST(RunOutcome, MalformedLineIsACrashThatShowsTheLine) {
    RunOutcome outcome = decide_run_outcome(parse_exit_line("exit 999\n"), QemuEnd{});
    EXPECT_EQ(outcome.exit_status, kExitCrashed);
    EXPECT_NE(outcome.message.find("\"exit 999\""), std::string::npos);
}

} // namespace
} // namespace ops
