// build.h: building a bootable disk image from a Config; what `ops build` and `ops run` call.
// The on-disk work (ELF checks, file collection, TFS and MBR writing) is in write_image.cpp on
// top of common/{elf,tfs,disk,manifest}.
#pragma once

#include "ops/config/config.h"

#include <cstdint>
#include <filesystem>

namespace ops {

struct BuildRequest {
    Config config;                   // merged config (file + environment + flags)
    std::filesystem::path output;    // the image file to (re)write, atomically
    std::filesystem::path kernel;    // kernel ELF placed at /kernel in the boot FS
};

struct BuildResult {
    std::filesystem::path image;  // == request.output
    std::uint64_t size_bytes = 0;
};

// Checks the request (program given and readable), then writes the image. Blocks on file I/O.
// Throws ops::Error with a message for the user.
BuildResult build_image(const BuildRequest& request);

} // namespace ops
