// volume/delete.cpp: `ops volume delete <name|uuid>`.
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/output.h"
#include "ops/image/image_reader.h"
#include "ops/image/image_store.h"
#include "ops/store/paths.h"
#include "ops/volume/volume_store.h"

#include <CLI/CLI.hpp>
#include <memory>
#include <algorithm>
#include <cstdio>

namespace ops {

void add_volume_delete_command(CLI::App& app, Context& context) {
    auto names = std::make_shared<std::vector<std::string>>();
    app.add_option("volumes", *names, "Volume names or UUIDs")->required();
    app.footer("Example:\n  ops volume delete data");
    app.callback([&context, names] {
        StorePaths store = StorePaths::from_environment(context.environment);
        // All names are checked before the first deletion: delete_volume on a name that
        // matches nothing throws the "no volume named" error and deletes nothing.
        std::vector<VolumeInfo> existing = list_volumes(store);
        for (const std::string& name : *names)
            if (std::none_of(existing.begin(), existing.end(), [&](const VolumeInfo& volume) {
                    return volume.name == name || volume.uuid == name;
                }))
                delete_volume(store, name);
        for (const std::string& name : *names) {
            VolumeInfo volume = delete_volume(store, name);
            std::printf("Deleted volume %s (%s)\n", volume.name.c_str(), volume.uuid.c_str());
        }
    });
}

} // namespace ops
