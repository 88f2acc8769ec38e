// volume/cat.cpp: `ops volume cat <volume> <file>`: print a file of a volume.
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
struct CatFlags {
    std::string volume;
    std::vector<std::string> files;
};
} // namespace

void add_volume_cat_command(CLI::App& app, Context& context) {
    auto flags = std::make_shared<CatFlags>();
    app.add_option("volume", flags->volume, "Volume name, UUID or file")->required();
    app.add_option("file", flags->files, "File(s) in the volume")->required();
    app.footer("Example:\n  ops volume cat data /config.txt");
    app.callback([&context, flags] {
        ImageReader reader(
            find_volume(StorePaths::from_environment(context.environment), flags->volume).path);
        for (const std::string& file : flags->files)
            print_file(reader, file);
    });
}

} // namespace ops
