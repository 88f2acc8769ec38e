// run.h: what `ops run` does once its config is resolved (build the image, boot it in the
// foreground, leave the program's exit status), shared with `ops pkg load` so both commands
// take the same path.
#pragma once

#include "ops/config/config.h"
#include "ops/image/build.h"

#include <functional>

namespace ops {

struct Context;

// Writes the image of a BuildRequest; `ops pkg load` wraps build_image to find the package's
// program.
using ImageBuilder = std::function<void(const BuildRequest&)>;

// Builds ~/.ops/images/<name> from `config` (unless `skip_build`; with `builder` when given,
// else build_image), boots it in the foreground under QEMU and sets context.exit_status to the
// program's exit status. Blocks until the VM stops. Throws ops::Error.
void run_config(Context& context, const Config& config, bool skip_build,
                const ImageBuilder& builder = {});

} // namespace ops
