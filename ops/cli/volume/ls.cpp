// volume/ls.cpp: `ops volume ls <volume> [path] [-l]`: the image reader (ops/cli/output.cpp) on a
// volume file.
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/output.h"
#include "ops/image/image_reader.h"
#include "ops/store/paths.h"
#include "ops/volume/volume_store.h"

#include <CLI/CLI.hpp>
#include <memory>

namespace ops {

namespace {
struct LsFlags {
    std::string volume;
    std::string path = "/";
    bool long_format = false;
};
} // namespace

void add_volume_ls_command(CLI::App& app, Context& context) {
    auto flags = std::make_shared<LsFlags>();
    app.add_option("volume", flags->volume, "Volume name, UUID or file")->required();
    app.add_option("path", flags->path, "Directory or file in the volume (default /)");
    app.add_flag("-l,--long-format", flags->long_format, "Show type and size");
    app.footer("Example:\n  ops volume ls data / -l");
    app.callback([&context, flags] {
        ImageReader reader(
            find_volume(StorePaths::from_environment(context.environment), flags->volume).path);
        print_listing(context, reader, flags->path, flags->long_format);
    });
}

} // namespace ops
