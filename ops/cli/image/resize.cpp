// image/resize.cpp: `ops image resize <image> <size>`: grow an image so its root file system has
// more room (ops/image/resize.cpp). Shrinking is refused.
#include "ops/base/error.h"
#include "ops/config/size.h"
#include "ops/image/resize.h"
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/output.h"
#include "ops/image/image_reader.h"
#include "ops/image/image_store.h"
#include "ops/store/paths.h"

#include <CLI/CLI.hpp>
#include <memory>
#include <cstdio>

namespace ops {

namespace {
struct ResizeFlags {
    std::string image;
    std::string size;
};
} // namespace

void add_image_resize_command(CLI::App& app, Context& context) {
    auto flags = std::make_shared<ResizeFlags>();
    app.add_option("image", flags->image, "Image name or image file")->required();
    app.add_option("size", flags->size, "New size, e.g. 512M or 2G (larger than now)")
        ->required();
    app.footer("Example:\n  ops image resize myapp 1G");
    app.callback([&context, flags] {
        std::uint64_t bytes = 0;
        try {
            bytes = parse_size(flags->size, BareNumberUnit::Bytes);
        } catch (const std::invalid_argument& error) {
            throw Error("invalid size \"" + flags->size + "\" (" + error.what() + ")",
                        "write it like 512M or 2G");
        }
        std::filesystem::path file =
            find_image(StorePaths::from_environment(context.environment), flags->image);
        ResizeResult result = resize_image(file, bytes);
        if (result.new_bytes == result.old_bytes)
            std::printf("%s is already %s\n", file.c_str(), human_size(result.new_bytes).c_str());
        else
            std::printf("Resized %s from %s to %s (root file system %s)\n", file.c_str(),
                        human_size(result.old_bytes).c_str(), human_size(result.new_bytes).c_str(),
                        human_size(result.root_fs_bytes).c_str());
    });
}

} // namespace ops
