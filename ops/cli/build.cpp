// build.cpp: `ops build [elf]`: build the image and print where it is.
#include "ops/base/progress.h"
#include "ops/cli/commands.h"
#include "ops/cli/common_options.h"
#include "ops/cli/context.h"
#include "ops/image/build.h"
#include "ops/image/kernel.h"
#include "ops/store/paths.h"
#include "ops/volume/attach.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

namespace ops {

void add_build_command(CLI::App& app, Context& context) {
    auto flags = std::make_shared<BuildFlags>();
    add_build_flags(app, *flags);
    // The manifest's mounts: the image then mounts these volumes wherever it boots with them
    // attached (ops instance create --mounts, ops run -s --mounts).
    auto mounts = std::make_shared<std::vector<std::string>>();
    app.add_option("--mounts", *mounts,
                   "Mount a volume in the image: VOLUME:/PATH[:ro] (repeatable; overrides Mounts)")
        ->type_name("VOLUME:/PATH[:ro]")
        ->allow_extra_args(false);
    app.footer("Example:\n  ops build ./myapp -i myapp -c config.json --mounts data:/data");
    app.callback([&context, flags, mounts] {
        Config config = resolve_config(*flags, nullptr);
        for (auto& [volume, target] : mounts_from_flags(*mounts))
            config.mounts[volume] = target;
        StorePaths store = StorePaths::from_environment(context.environment);
        std::filesystem::path image = store.ensure_images() / image_name_for(config);
        std::filesystem::path kernel =
            find_kernel(config, context.environment, context.executable_directory);
        BuildResult result;
        {
            Progress progress(context.terminal, "building image " + image.filename().string());
            result = build_image(BuildRequest{config, image, kernel});
        }
        // The established ops prints exactly this; scripts parse it.
        std::printf("Bootable image file:%s\n", result.image.c_str());
    });
}

} // namespace ops
