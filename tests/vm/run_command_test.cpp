// run_command_test.cpp: `ops run` basics: a program starts in every build variant, argv and the
// environment reach it (from -a/-e and from config.json), and its exit status comes back.
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vm {
namespace {

class Hello : public ::testing::TestWithParam<const char*> {};

TEST_P(Hello, PrintsItsNameAndExitsZero) {
    std::string name = std::string("hello-") + GetParam();
    RunResult r = run_ops({"run", app(name)});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"hello from " + name})) << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Variants, Hello, ::testing::ValuesIn(kAppVariants), variant_test_name);

TEST(RunArgs, ArgvAndEnvFromFlags) {
    RunResult r =
        run_ops({"run", app("args_env-static"), "-a", "one", "-a", "two words", "-a", "env:FOO",
                 "-a", "env:BAR", "-a", "env:NOPE", "-e", "FOO=bar", "-e", "BAR=x y"});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {
                                       "argc=6",
                                       "argv[0]=args_env-static",
                                       "argv[1]=one",
                                       "argv[2]=two words",
                                       "argv[3]=env:FOO",
                                       "argv[4]=env:BAR",
                                       "argv[5]=env:NOPE",
                                       "env FOO=bar",
                                       "env BAR=x y",
                                       "env NOPE unset",
                                   }))
        << r.describe();
}

TEST(RunArgs, ArgvAndEnvFromConfig) {
    TempDir dir;
    dir.write_file("config.json",
                   R"({"Args": ["from-config", "env:CFG"], "Env": {"CFG": "set in config"}})");
    RunResult r = run_ops({"run", app("args_env-musl"), "-c", "config.json"}, {dir.path()});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {
                                       "argc=3",
                                       "argv[0]=args_env-musl",
                                       "argv[1]=from-config",
                                       "argv[2]=env:CFG",
                                       "env CFG=set in config",
                                   }))
        << r.describe();
}

class ExitCode : public ::testing::TestWithParam<int> {};

TEST_P(ExitCode, ReachesTheHostUnchanged) {
    int code = GetParam();
    RunResult r = run_ops({"run", app("exit_code-static"), "-a", std::to_string(code)});
    EXPECT_EXIT_CODE(r, code);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"exiting with " + std::to_string(code)}))
        << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Codes, ExitCode, ::testing::Values(0, 3, 255));

} // namespace
} // namespace vm
