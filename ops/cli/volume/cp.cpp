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
    std::vector<std::string> paths;  // sources, then the host destination
    bool recursive = false;
    bool dereference = false;
};
} // namespace

void add_volume_cp_command(CLI::App& app, Context& context) {
    auto flags = std::make_shared<CpFlags>();
    app.add_option("volume", flags->volume, "Volume name, UUID or file")->required();
    app.add_option("paths", flags->paths, "Source paths in the volume, then the host destination")
        ->required()
        ->expected(2, -1);
    app.add_flag("-r,--recursive", flags->recursive, "Copy directories");
    app.add_flag("-L,--dereference", flags->dereference, "Copy what symlinks point to");
    app.footer("Example:\n  ops volume cp data / ./data-copy -r");
    app.callback([&context, flags] {
        ImageReader reader(
            find_volume(StorePaths::from_environment(context.environment), flags->volume).path);
        CopyOutRequest request;
        request.sources.assign(flags->paths.begin(), flags->paths.end() - 1);
        request.destination = flags->paths.back();
        request.recursive = flags->recursive;
        request.dereference = flags->dereference;
        copy_out_with_progress(context, reader, request);
    });
}

} // namespace ops
