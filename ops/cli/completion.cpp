// completion.cpp: `ops completion bash`: print the bash completion script generated from this
// very command tree (ops/base/completion.cpp writes the script).
#include "ops/base/completion.h"
#include "ops/base/error.h"
#include "ops/cli/commands.h"
#include "ops/cli/context.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

namespace ops {

namespace {
CompletionNode describe(const CLI::App& app, const std::string& parent) {
    CompletionNode node;
    node.name = app.get_name();
    for (const CLI::Option* option : app.get_options()) {
        for (const std::string& name : option->get_snames())
            node.flags.push_back("-" + name);
        for (const std::string& name : option->get_lnames())
            node.flags.push_back("--" + name);
    }
    // Commands whose first argument is a stored image or volume.
    if (parent == "image" && node.name != "create" && node.name != "list")
        node.values = CompletionNode::Values::images;
    if (parent == "volume" && node.name != "create" && node.name != "list")
        node.values = CompletionNode::Values::volumes;
    if (parent == "pkg" && (node.name == "describe" || node.name == "contents" ||
                            node.name == "load" || node.name == "delete"))
        node.values = CompletionNode::Values::packages;
    for (const CLI::App* child : app.get_subcommands([](const CLI::App*) { return true; }))
        node.children.push_back(describe(*child, node.name));
    return node;
}
} // namespace

void add_completion_command(CLI::App& app, Context&) {
    auto shell = std::make_shared<std::string>();
    app.add_option("shell", *shell, "The shell (only bash for now)")
        ->required()
        ->check(CLI::IsMember({"bash"}));
    app.footer("Example:\n  ops completion bash > ~/.local/share/bash-completion/completions/ops\n"
               "  source <(ops completion bash)");
    app.callback([&app, shell] {
        const CLI::App* root = &app;
        while (root->get_parent())
            root = root->get_parent();
        CompletionNode tree = describe(*root, "");
        tree.name = "ops";
        std::fputs(bash_completion_script(tree).c_str(), stdout);
    });
}

} // namespace ops
