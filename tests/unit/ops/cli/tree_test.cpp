// tree_test.cpp: properties of the whole command tree: global flags everywhere, an example in
// every --help of the image, volume, profile, completion, run, build and version commands, the
// generated bash completion, and `ops profile`.
#include "tests/unit/ops/cli/cli_test_support.h"
#include "tests/unit/ops/image/image_test_support.h"

#include <nlohmann/json.hpp>

namespace ops {
namespace {

using cli_test::context_for;
using cli_test::run_ops;
using image_test::ScratchDirectory;

void leaves(CLI::App* app, const std::string& path, std::vector<std::pair<std::string, CLI::App*>>& out) {
    auto children = app->get_subcommands([](CLI::App*) { return true; });
    if (children.empty())
        out.emplace_back(path, app);
    for (CLI::App* child : children)
        leaves(child, path + " " + child->get_name(), out);
}

TEST(CommandTree, ExamplesAndGlobalFlags) {
    Context context;
    CLI::App app("ops", "ops");
    build_command_tree(app, context);
    std::vector<std::pair<std::string, CLI::App*>> commands;
    leaves(&app, "ops", commands);
    int checked = 0;
    for (const auto& [path, command] : commands) {
        EXPECT_NE(command->get_option_no_throw("--json"), nullptr) << path;
        EXPECT_NE(command->get_option_no_throw("--show-debug"), nullptr) << path;
        bool ours = path.starts_with("ops image") || path.starts_with("ops volume") ||
                    path == "ops profile" || path == "ops completion" || path == "ops run" ||
                    path == "ops build" || path == "ops version";
        if (!ours)
            continue;
        checked++;
        EXPECT_NE(command->get_footer().find("Example:\n  " + path.substr(0, path.find(' ', 4))),
                  std::string::npos)
            << path << ": " << command->get_footer();
    }
    EXPECT_EQ(checked, 9 + 6 + 5);
}

TEST(CommandTree, ShowDebugRaisesTheLogLevel) {
    ScratchDirectory dir;
    Context context = context_for(dir.path().string());
    EXPECT_EQ(context.log.level(), LogLevel::errors);
    run_ops(context, {"image", "list", "--show-warnings"});
    EXPECT_EQ(context.log.level(), LogLevel::warnings);
    run_ops(context, {"--show-debug", "image", "list"});
    EXPECT_EQ(context.log.level(), LogLevel::debug);
}

TEST(CommandTree, BashCompletion) {
    Context context;
    auto outcome = run_ops(context, {"completion", "bash"});
    ASSERT_EQ(outcome.error, "");
    const std::string& script = outcome.out;
    EXPECT_NE(script.find("complete -o filenames -F _ops ops"), std::string::npos);
    EXPECT_NE(script.find("\"ops/image\") commands=\"create list delete resize ls cat cp tree env\""),
              std::string::npos);
    EXPECT_NE(script.find("\"ops/volume/ls\") commands=\"\""), std::string::npos);
    if (std::system("bash -c true >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "no bash";
    ScratchDirectory dir;
    image_test::write_text(dir / "ops.bash", script);
    image_test::write_text(dir / ".ops/images/myimage", "x");
    auto complete = [&](const std::string& words, int cword) {
        std::string command = "OPS_HOME='" + dir.path().string() + "' bash -c 'source \"" +
                              (dir / "ops.bash").string() + "\"; COMP_WORDS=(" + words +
                              "); COMP_CWORD=" + std::to_string(cword) +
                              "; _ops; echo \"${COMPREPLY[*]}\"' > '" +
                              (dir / "out").string() + "' 2>&1";
        EXPECT_EQ(std::system(command.c_str()), 0) << command;
        return image_test::read_text(dir / "out");
    };
    EXPECT_EQ(complete("ops im", 1), "image\n");
    EXPECT_EQ(complete("ops image l", 2), "list ls\n");
    EXPECT_EQ(complete("ops image ls --lo", 3), "--long-format\n");
    EXPECT_EQ(complete("ops -j volume c", 3), "create cat cp\n");
    EXPECT_EQ(complete("ops image cat my", 3), "myimage\n");
}

TEST(CommandTree, Profile) {
    ScratchDirectory dir;
    Context context = context_for(dir.path().string());
    auto text = run_ops(context, {"profile"});
    EXPECT_EQ(text.error, "");
    EXPECT_EQ(text.out.substr(0, 13), "Ops version: ");
    EXPECT_NE(text.out.find("\nAccel: "), std::string::npos);
    EXPECT_NE(text.out.find("\nKernel: "), std::string::npos);
    auto json = nlohmann::json::parse(run_ops(context, {"profile", "--json"}).out);
    for (const char* key : {"ops_version", "os", "arch", "qemu_path", "qemu_version", "accel",
                            "accel_reason", "kernel_path", "kernel_problem"})
        EXPECT_TRUE(json.contains(key)) << key;
    EXPECT_TRUE(json["accel"] == "kvm" || json["accel_reason"] != "");

    Context forced = context_for(dir.path().string());
    forced.environment = Environment::fixed({{"OPS_HOME", dir.path().string()},
                                             {"OPS_ACCEL", "tcg"},
                                             {"OPS_KERNEL", (dir / "kernel.elf").string()}});
    auto forced_json = nlohmann::json::parse(run_ops(forced, {"profile", "-j"}).out);
    EXPECT_EQ(forced_json["accel"], "tcg");
    EXPECT_EQ(forced_json["accel_reason"], "turned off by OPS_ACCEL=tcg");
    EXPECT_EQ(forced_json["kernel_path"], "");
    EXPECT_NE(forced_json["kernel_problem"].get<std::string>().find("kernel.elf"),
              std::string::npos);
}

} // namespace
} // namespace ops
