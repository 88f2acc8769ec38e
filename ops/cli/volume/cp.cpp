// volume/cp.cpp: `ops volume cp <volume> <src...> <dest> [-r] [-L]`: copy files out of a volume.
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
struct CpFlags {
    std::string volume;
    CopyOutArguments copy;
};
} // namespace

void add_volume_cp_command(CLI::App& app, Context& context) {
    auto flags = std::make_shared<CpFlags>();
    app.add_option("volume", flags->volume, "Volume name, UUID or file")->required();
    add_copy_out_arguments(app, flags->copy, "volume");
    app.footer("Example:\n  ops volume cp data / ./data-copy -r");
    app.callback([&context, flags] {
        ImageReader reader(
            find_volume(StorePaths::from_environment(context.environment), flags->volume).path);
        copy_out_with_progress(context, reader, flags->copy.request());
    });
}

} // namespace ops
