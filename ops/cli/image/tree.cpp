// image/tree.cpp: `ops image tree <image>`: the whole file tree of an image, offline.
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
struct TreeFlags {
    std::string image;
    std::string path = "/";
    bool boot_fs = false;
};
} // namespace

void add_image_tree_command(CLI::App& app, Context& context) {
    auto flags = std::make_shared<TreeFlags>();
    app.add_option("image", flags->image, "Image name or image file")->required();
    app.add_option("path", flags->path, "Directory to start from (default /)");
    app.add_flag("--bootfs", flags->boot_fs, "Read the boot file system instead of the root");
    app.footer("Example:\n  ops image tree myapp\n  ops image tree myapp --json");
    app.callback([&context, flags] {
        ImageReader reader(find_image(StorePaths::from_environment(context.environment),
                                      flags->image),
                           flags->boot_fs ? ImagePart::boot : ImagePart::root);
        print_tree(context, reader, flags->path);
    });
}

} // namespace ops
