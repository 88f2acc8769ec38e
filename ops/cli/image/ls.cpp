// image/ls.cpp: `ops image ls <image> [path] [-l]`: list a directory inside an image, offline.
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
struct LsFlags {
    std::string image;
    std::string path = "/";
    bool long_format = false;
    bool boot_fs = false;
};
} // namespace

void add_image_ls_command(CLI::App& app, Context& context) {
    auto flags = std::make_shared<LsFlags>();
    app.add_option("image", flags->image, "Image name or image file")->required();
    app.add_option("path", flags->path, "Directory or file in the image (default /)");
    app.add_flag("-l,--long-format", flags->long_format, "Show type and size");
    app.add_flag("--bootfs", flags->boot_fs, "Read the boot file system instead of the root");
    app.footer("Example:\n  ops image ls myapp /etc -l");
    app.callback([&context, flags] {
        ImageReader reader(find_image(StorePaths::from_environment(context.environment),
                                      flags->image),
                           flags->boot_fs ? ImagePart::boot : ImagePart::root);
        print_listing(context, reader, flags->path, flags->long_format);
    });
}

} // namespace ops
