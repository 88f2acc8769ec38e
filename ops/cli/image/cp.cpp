// image/cp.cpp: `ops image cp <image> <src...> <dest> [-r] [-L]`: copy files out of an image.
#include "ops/base/error.h"
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/output.h"
#include "ops/image/image_reader.h"
#include "ops/image/image_store.h"
#include "ops/store/paths.h"

#include <CLI/CLI.hpp>
#include <memory>

namespace ops {

namespace {
struct CpFlags {
    std::string image;
    std::vector<std::string> paths;  // sources, then the host destination
    bool recursive = false;
    bool dereference = false;
    bool boot_fs = false;
};
} // namespace

void add_image_cp_command(CLI::App& app, Context& context) {
    auto flags = std::make_shared<CpFlags>();
    app.add_option("image", flags->image, "Image name or image file")->required();
    app.add_option("paths", flags->paths, "Source paths in the image, then the host destination")
        ->required()
        ->expected(2, -1);
    app.add_flag("-r,--recursive", flags->recursive, "Copy directories");
    app.add_flag("-L,--dereference", flags->dereference, "Copy what symlinks point to");
    app.add_flag("--bootfs", flags->boot_fs, "Read the boot file system instead of the root");
    app.footer("Example:\n  ops image cp myapp /etc ./etc-copy -r");
    app.callback([&context, flags] {
        ImageReader reader(find_image(StorePaths::from_environment(context.environment),
                                      flags->image),
                           flags->boot_fs ? ImagePart::boot : ImagePart::root);
        CopyOutRequest request;
        request.sources.assign(flags->paths.begin(), flags->paths.end() - 1);
        request.destination = flags->paths.back();
        request.recursive = flags->recursive;
        request.dereference = flags->dereference;
        copy_out_with_progress(context, reader, request);
    });
}

} // namespace ops
