// manifest_keys.h: the configuration keys of the root tuple (manifest.md 9.1): program,
// arguments, environment, flags, notrace, the static addresses and ManifestPassthrough. The file
// tree (`children`) is filled by root_fs.cpp.
#pragma once

#include "ops/config/config.h"
#include "ops/image/image_tree.h"

#include <string>

namespace ops {

// Sets the keys on tree.root(). `program_path` is the program's absolute image path and
// `image_name` the image file's name (for IMAGE_NAME). Passthrough keys are applied last and
// overwrite anything of the same name (manifest.md 9.1). Throws ops::Error.
void set_manifest_keys(ImageTree& tree, const Config& config, const std::string& program_path,
                       const std::string& image_name);

} // namespace ops
