// volume/create.cpp: `ops volume create <name> [-s size] [-d dir]`: a TFS data volume in
// ~/.ops/volumes (ops/volume/volume_store.cpp).
#include "ops/base/error.h"
#include "ops/base/progress.h"
#include "ops/config/size.h"
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/output.h"
#include "ops/image/image_reader.h"
#include "ops/image/image_store.h"
#include "ops/store/paths.h"
#include "ops/volume/volume_store.h"

#include <CLI/CLI.hpp>
#include <memory>
#include <cstdio>

namespace ops {

namespace {
struct CreateFlags {
    std::string name;
    std::string size;
    std::string data;
};
} // namespace

void add_volume_create_command(CLI::App& app, Context& context) {
    auto flags = std::make_shared<CreateFlags>();
    app.add_option("name", flags->name, "Volume name (also its label)")->required();
    app.add_option("-s,--size", flags->size, "Volume size, e.g. 100M or 10G (default: content + 64 MiB of room, sparse)")
        ->type_name("SIZE");
    app.add_option("-d,--data", flags->data, "Directory whose content is copied into the volume")
        ->type_name("DIR");
    app.footer("Example:\n  ops volume create data -s 1G -d ./files");
    app.callback([&context, flags] {
        VolumeCreateRequest request;
        request.name = flags->name;
        request.data_directory = flags->data;
        if (!flags->size.empty()) {
            try {
                request.size_bytes = parse_size(flags->size, BareNumberUnit::Bytes);
            } catch (const std::invalid_argument& error) {
                throw Error("invalid size \"" + flags->size + "\" for -s/--size (" +
                                error.what() + ")",
                            "write it like -s 100M or -s 10G");
            }
        }
        StorePaths store = StorePaths::from_environment(context.environment);
        VolumeInfo volume;
        {
            Progress progress(context.terminal, "creating volume " + flags->name);
            volume = create_volume(store, request);
        }
        context.log.debug("volume file " + volume.path.string());
        if (context.json) {
            print_json({{"name", volume.name},
                        {"uuid", volume.uuid},
                        {"path", volume.path.string()},
                        {"size_bytes", volume.size_bytes}});
            return;
        }
        std::printf("Volume %s created: uuid %s, %s, %s\n", volume.name.c_str(),
                    volume.uuid.c_str(), human_size(volume.size_bytes).c_str(),
                    volume.path.c_str());
    });
}

} // namespace ops
