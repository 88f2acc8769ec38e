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
    CopyOutArguments copy;
    bool boot_fs = false;
};
} // namespace

void add_image_cp_command(CLI::App& app, Context& context) {
    auto flags = std::make_shared<CpFlags>();
    app.add_option("image", flags->image, "Image name or image file")->required();
    add_copy_out_arguments(app, flags->copy, "image");
    app.add_flag("--bootfs", flags->boot_fs, "Read the boot file system instead of the root");
    app.footer("Example:\n  ops image cp myapp /etc ./etc-copy -r");
    app.callback([&context, flags] {
        ImageReader reader(
            find_image(StorePaths::from_environment(context.environment), flags->image),
            flags->boot_fs ? ImagePart::boot : ImagePart::root);
        copy_out_with_progress(context, reader, flags->copy.request());
    });
}

} // namespace ops
