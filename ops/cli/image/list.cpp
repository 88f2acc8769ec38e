// image/list.cpp: `ops image list`: the images in ~/.ops/images (name, path, size, modified).
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/output.h"
#include "ops/image/image_reader.h"
#include "ops/image/image_store.h"
#include "ops/store/paths.h"

#include <CLI/CLI.hpp>
#include <memory>

namespace ops {

void add_image_list_command(CLI::App& app, Context& context) {
    app.footer("Example:\n  ops image list\n  ops image list --json");
    app.callback([&context] {
        std::vector<ImageInfo> images =
            list_images(StorePaths::from_environment(context.environment));
        if (context.json) {
            nlohmann::json array = nlohmann::json::array();
            for (const ImageInfo& image : images)
                array.push_back({{"name", image.name},
                                 {"path", image.path.string()},
                                 {"size_bytes", image.size_bytes},
                                 {"modified", utc_timestamp(image.modified)}});
            print_json(array);
            return;
        }
        std::vector<std::vector<std::string>> rows;
        for (const ImageInfo& image : images)
            rows.push_back({image.name, image.path.string(), human_size(image.size_bytes),
                            local_time(image.modified)});
        print_table({"name", "path", "size", "modified"}, rows);
    });
}

} // namespace ops
