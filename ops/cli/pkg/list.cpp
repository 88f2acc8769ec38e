// pkg/list.cpp: `ops pkg list [-l] [-s regex]`: local packages, or the downloaded ones already
// in ~/.ops/packages (ops is offline: it never fetches the package index).
#include "ops/base/error.h"
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/output.h"
#include "ops/cli/pkg/pkg_options.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <regex>

namespace ops {

namespace {

struct ListCommand {
    bool local = false;
    std::string search;
};

void list(Context& context, const ListCommand& command) {
    PackageStore store = package_store(context);
    PackageSource source = command.local ? PackageSource::local : PackageSource::downloaded;
    std::vector<PackageInfo> packages = store.list(source);
    if (!command.search.empty()) {
        std::regex pattern;
        try {
            pattern = std::regex(command.search, std::regex::icase);
        } catch (const std::regex_error& e) {
            throw Error("-s/--search \"" + command.search +
                            "\" is not a valid regular expression (" + e.what() + ")",
                        "write it like -s '^node'");
        }
        std::erase_if(packages, [&](const PackageInfo& p) {
            return !std::regex_search(p.name, pattern) && !std::regex_search(p.language, pattern) &&
                   !std::regex_search(p.description, pattern);
        });
    }
    if (context.json) {
        nlohmann::json array = nlohmann::json::array();
        for (const PackageInfo& p : packages) {
            nlohmann::json item = {{"name", p.name},
                                   {"namespace", p.ns},
                                   {"version", p.version},
                                   {"language", p.language},
                                   {"description", p.description},
                                   {"path", p.path.string()}};
            if (!p.problem.empty())
                item["problem"] = p.problem;
            array.push_back(item);
        }
        print_json(array);
        return;
    }
    if (packages.empty() && command.search.empty()) {
        if (command.local)
            std::printf("no local packages in %s (add one with ops pkg add or ops pkg from-run)\n",
                        store.local_root().c_str());
        else
            std::printf("no downloaded packages in %s: ops works offline and does not fetch the "
                        "package index (see local packages with ops pkg list --local)\n",
                        store.downloaded_root().c_str());
        return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const PackageInfo& p : packages)
        rows.push_back({p.ns.empty() ? p.name : p.ns + "/" + p.name, p.version, p.language,
                        p.problem.empty() ? p.description : "(" + p.problem + ")"});
    print_table({"name", "version", "language", "description"}, rows);
}

} // namespace

void add_pkg_list_command(CLI::App& app, Context& context) {
    auto command = std::make_shared<ListCommand>();
    add_local_flag(app, command->local);
    app.add_option("-s,--search", command->search,
                   "Only packages whose name, language or description match this regex")
        ->type_name("REGEX");
    app.footer("Example:\n  ops pkg list --local\n  ops pkg list -l -j\n  ops pkg list -s node");
    app.callback([&context, command] { list(context, *command); });
}

} // namespace ops
