// image/create.cpp: `ops image create <elf>`: the established tool's name for `ops build`; same
// flags, same output, same library call (ops/image/build.cpp).
#include "ops/cli/commands.h"

#include <CLI/CLI.hpp>

namespace ops {

void add_image_create_command(CLI::App& app, Context& context) {
    add_build_command(app, context);
    app.footer("Example:\n  ops image create ./myapp -i myapp -c config.json");
}

} // namespace ops
