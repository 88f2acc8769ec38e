// image/delete.cpp: `ops image delete <names...>`: asks first on a terminal; without one it
// refuses unless --assume-yes, so a script never deletes by accident.
#include "ops/base/error.h"
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/output.h"
#include "ops/image/image_reader.h"
#include "ops/image/image_store.h"
#include "ops/store/paths.h"

#include <CLI/CLI.hpp>
#include <memory>
#include <cstdio>

namespace ops {

namespace {
struct DeleteFlags {
    std::vector<std::string> names;
    bool assume_yes = false;
};

void delete_command(Context& context, const DeleteFlags& flags) {
    StorePaths store = StorePaths::from_environment(context.environment);
    // Unknown names fail here, before the question is asked.
    check_stored_images(store, flags.names);
    if (!flags.assume_yes) {
        if (!context.terminal.input_interactive)
            throw Error("not deleting without confirmation: standard input is not a terminal",
                        "add --assume-yes to delete without asking");
        if (!ask_yes_no(context.terminal, "Delete image(s) " + name_list(flags.names) + "?")) {
            std::fprintf(context.terminal.error, "Nothing deleted.\n");
            return;
        }
    }
    for (const auto& path : delete_images(store, flags.names))
        std::printf("Deleted image %s\n", path.filename().c_str());
}
} // namespace

void add_image_delete_command(CLI::App& app, Context& context) {
    auto flags = std::make_shared<DeleteFlags>();
    app.add_option("names", flags->names, "Names of images in ~/.ops/images")->required();
    app.add_flag("--assume-yes", flags->assume_yes, "Delete without asking");
    app.footer("Example:\n  ops image delete myapp oldapp --assume-yes");
    app.callback([&context, flags] { delete_command(context, *flags); });
}

} // namespace ops
