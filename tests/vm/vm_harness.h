// vm_harness.h: runs `ops run` (or `ops build`) as a subprocess for the VM tests, with
// OPS_ACCEL=tcg, a private OPS_HOME, a timeout and captured output; plus the assertions on that
// output. The tests themselves live in the *_test.cpp files beside this one.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace vm {

// A directory under $TMPDIR, removed with its contents when the object dies.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return m_path; }
    // Writes `contents` to path()/relative, creating parent directories.
    std::string write_file(const std::string& relative, const std::string& contents) const;

  private:
    std::string m_path;
};

struct RunOptions {
    // Working directory for ops; config.json Files entries are relative to it.
    std::string cwd;
    // OPS_VM_TEST_TIMEOUT=<seconds> in the environment overrides it for every run.
    std::chrono::seconds timeout{60};
    // Run in this OPS_HOME instead of a fresh one (commands that share state: ops instance).
    std::string ops_home{};
    // Commands put before the ops binary, e.g. {"/usr/sbin/ip", "netns", "exec", "t"}.
    std::vector<std::string> prefix{};
};

struct RunResult {
    int exit_code = -1;  // valid when exited
    bool exited = false; // false if killed by a signal or by the timeout
    bool timed_out = false;
    int signal = 0;
    std::string out;
    std::string err;
    std::string ops_home;                  // the OPS_HOME this run used
    std::shared_ptr<TempDir> ops_home_dir; // removed when the last copy of the result dies

    // stdout and stderr split into lines, with the '\r' of a serial console removed.
    std::vector<std::string> out_lines() const;
    std::vector<std::string> err_lines() const;
    // Everything, for failure messages.
    std::string describe() const;
};

// The build variants of every guest program (tests/apps/CMakeLists.txt): "<name>-<variant>".
inline const char* const kAppVariants[] = {"static", "static-pie", "musl"};
// A gtest parameter name for a variant ("static-pie" -> "static_pie").
std::string variant_test_name(const ::testing::TestParamInfo<const char*>& info);

// The ops binary and a guest program from tests/apps ("hello-static").
std::string ops_binary();
std::string app(const std::string& name);

// Runs `ops <args...>` with OPS_ACCEL=tcg and OPS_HOME set to a fresh directory, which lives
// as long as the result. Kills the whole process group (ops and its QEMU) when the timeout
// expires.
RunResult run_ops(const std::vector<std::string>& args, const RunOptions& options = {});

// `text` split into lines, with the '\r' of a serial console removed.
std::vector<std::string> split_lines(const std::string& text);

// Files under `ops_home` that look like disk images: anything in an images/ directory or
// larger than 1 MiB.
std::vector<std::string> image_files(const std::string& ops_home);

// Checks that `expected` occurs in `lines` as a subsequence (in order, other lines allowed in
// between: ops and the kernel may print their own).
::testing::AssertionResult has_lines_in_order(const std::vector<std::string>& lines,
                                              const std::vector<std::string>& expected);
// Checks that no line starts with `prefix`.
::testing::AssertionResult no_line_starting_with(const std::vector<std::string>& lines,
                                                 const std::string& prefix);

// Asserts a normal exit with `code`, printing all output otherwise. `result` is evaluated once
// (EXPECT_EXIT_CODE(run_ops(...), 0) runs ops once); more can be streamed after it.
#define EXPECT_EXIT_CODE(result, code)                                                             \
    switch (const auto& ops_exit_result_ = (result); 0)                                            \
    case 0:                                                                                        \
    default:                                                                                       \
        EXPECT_TRUE(ops_exit_result_.exited && ops_exit_result_.exit_code == (code))               \
            << "expected exit code " << (code) << "\n"                                             \
            << ops_exit_result_.describe()

} // namespace vm
