// cli_test_support.h: running ops commands in-process for tests: the real command tree, a
// Context with OPS_HOME in a scratch directory and no terminal, stdout captured.
#pragma once

#include "ops/base/error.h"
#include "ops/cli/commands.h"
#include "ops/cli/context.h"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace cli_test {

struct Outcome {
    std::string out;    // stdout
    std::string error;  // the ops::Error message, empty when none was thrown
};

inline Outcome run_ops(ops::Context& context, std::vector<std::string> args) {
    context.json = false;  // one Context serves several invocations here, unlike in main()
    CLI::App app("ops", "ops");
    ops::build_command_tree(app, context);
    std::vector<const char*> argv = {"ops"};
    for (const std::string& arg : args)
        argv.push_back(arg.c_str());
    Outcome outcome;
    testing::internal::CaptureStdout();
    try {
        app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const ops::Error& error) {
        outcome.error = error.message();
    } catch (const CLI::ParseError& error) {
        outcome.error = std::string("parse: ") + error.what();
    }
    std::fflush(stdout);
    outcome.out = testing::internal::GetCapturedStdout();
    return outcome;
}

inline ops::Context context_for(const std::string& ops_home) {
    ops::Context context;
    context.environment = ops::Environment::fixed({{"OPS_HOME", ops_home}, {"PATH", "/usr/bin:/bin"}});
    context.terminal = ops::Terminal{};
    return context;
}

} // namespace cli_test
