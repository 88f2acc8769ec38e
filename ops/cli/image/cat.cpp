// image/cat.cpp: `ops image cat <image> <file>`: print a file of an image, offline.
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
struct CatFlags {
    std::string image;
    std::vector<std::string> files;
    bool boot_fs = false;
};
} // namespace

void add_image_cat_command(CLI::App& app, Context& context) {
    auto flags = std::make_shared<CatFlags>();
    app.add_option("image", flags->image, "Image name or image file")->required();
    app.add_option("file", flags->files, "File(s) in the image")->required();
    app.add_flag("--bootfs", flags->boot_fs, "Read the boot file system instead of the root");
    app.footer("Example:\n  ops image cat myapp /etc/resolv.conf");
    app.callback([&context, flags] {
        ImageReader reader(find_image(StorePaths::from_environment(context.environment),
                                      flags->image),
                           flags->boot_fs ? ImagePart::boot : ImagePart::root);
        for (const std::string& file : flags->files)
            print_file(reader, file);
    });
}

} // namespace ops
