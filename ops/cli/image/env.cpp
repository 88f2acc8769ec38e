// image/env.cpp: `ops image env <image>`: the environment the program of an image starts with
// (the manifest's `environment`).
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

void add_image_env_command(CLI::App& app, Context& context) {
    auto image = std::make_shared<std::string>();
    app.add_option("image", *image, "Image name or image file")->required();
    app.footer("Example:\n  ops image env myapp");
    app.callback([&context, image] {
        ImageReader reader(
            find_image(StorePaths::from_environment(context.environment), *image));
        auto variables = reader.environment();
        if (context.json) {
            nlohmann::json array = nlohmann::json::array();
            for (const auto& [name, value] : variables)
                array.push_back({{"name", name}, {"value", value}});
            print_json(array);
            return;
        }
        for (const auto& [name, value] : variables)
            std::printf("%s=%s\n", name.c_str(), value.c_str());
    });
}

} // namespace ops
