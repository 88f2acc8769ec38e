// completion.h: the bash completion script of ops, generated from a plain description of the
// command tree (ops/cli/completion.cpp fills it from the CLI11 tree, so new commands and flags
// complete without editing a script by hand).
#pragma once

#include <string>
#include <vector>

namespace ops {

struct CompletionNode {
    // What a positional argument of this command completes to, besides files.
    enum class Values { files, images, volumes, packages };

    std::string name;                    // the command word ("ops" for the root)
    std::vector<std::string> flags;      // "-l", "--long-format", ...
    std::vector<CompletionNode> children;
    Values values = Values::files;
};

// A bash script defining _ops and `complete -F _ops ops`. Command words are completed by path
// (flags anywhere are skipped), flags when the word starts with '-', image or volume names from
// $OPS_HOME/.ops or ~/.ops where the command takes one (local packages as "name" and
// "name_version", which need no ':' that bash would split on), files otherwise.
std::string bash_completion_script(const CompletionNode& root);

} // namespace ops
