// volume/list.cpp: `ops volume list`: the volumes in ~/.ops/volumes.
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/output.h"
#include "ops/image/image_reader.h"
#include "ops/image/image_store.h"
#include "ops/store/paths.h"
#include "ops/volume/volume_store.h"

#include <CLI/CLI.hpp>
#include <memory>

namespace ops {

void add_volume_list_command(CLI::App& app, Context& context) {
    app.footer("Example:\n  ops volume list\n  ops volume list --json");
    app.callback([&context] {
        std::vector<VolumeInfo> volumes =
            list_volumes(StorePaths::from_environment(context.environment));
        if (context.json) {
            nlohmann::json array = nlohmann::json::array();
            for (const VolumeInfo& volume : volumes)
                array.push_back({{"name", volume.name},
                                 {"uuid", volume.uuid},
                                 {"path", volume.path.string()},
                                 {"size_bytes", volume.size_bytes},
                                 {"modified", utc_timestamp(volume.modified)}});
            print_json(array);
            return;
        }
        std::vector<std::vector<std::string>> rows;
        for (const VolumeInfo& volume : volumes)
            rows.push_back({volume.name, volume.uuid, human_size(volume.size_bytes),
                            volume.path.string(), local_time(volume.modified)});
        print_table({"name", "uuid", "size", "path", "modified"}, rows);
    });
}

} // namespace ops
