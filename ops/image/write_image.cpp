// write_image.cpp: image writing.
// FIXME: not written yet. The pieces exist: common/elf (PT_INTERP, DT_NEEDED), tfs::Builder
// (common/tfs/writer.h) for the boot FS (/kernel) and the root FS (manifest + files, manifest.md
// 9), disk::compute_layout and disk::write_partition_table (common/disk/mbr.h), and in ops
// AtomicFileWriter, AtomicFileSink and HostFileContent (ops/image/file_io.h).
#include "ops/image/write_image.h"

#include "ops/base/error.h"

namespace ops {

BuildResult write_image(const BuildRequest&) {
    throw Error("building images is not implemented yet (write_image in ops/image/write_image.cpp)",
                "use 'ops run --skipbuild' with an image built another way");
}

} // namespace ops
