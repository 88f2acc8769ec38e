// write_image.cpp: image writing.
// FIXME: not written yet; it waits for common/disk (MBR + partition layout) and common/manifest.
#include "ops/image/write_image.h"

#include "ops/base/error.h"

namespace ops {

BuildResult write_image(const BuildRequest&) {
    throw Error("building images is not implemented yet (write_image in ops/image/write_image.cpp)",
                "use 'ops run --skipbuild' with an image built another way");
}

} // namespace ops
