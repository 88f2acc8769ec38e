// write_image.h: the part of build_image that produces bytes: ELF inspection, dependency and file
// collection, the manifest, the TFS file systems and the disk layout.
#pragma once

#include "ops/image/build.h"

namespace ops {

// Writes request.output atomically. Preconditions (checked by build_image): the program and the
// kernel exist and are regular files. Throws ops::Error.
BuildResult write_image(const BuildRequest& request);

} // namespace ops
