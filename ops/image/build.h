// build.h: building a bootable disk image from a Config; what `ops build` and `ops run` call.
// Checks of the request and the program are here and in elf_check.cpp; the tree is collected in
// root_fs.cpp and the bytes are written by write_image.cpp on top of common/{elf,tfs,disk}.
#pragma once

#include "ops/config/config.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>

namespace ops {

struct BuildRequest {
    Config config;                   // merged config (file + environment + flags)
    std::filesystem::path output;    // the image file to (re)write, atomically
    std::filesystem::path kernel;    // kernel ELF placed at /kernel in the boot FS
};

// What only tests and reproducible builds set.
struct ImageOptions {
    // UUID of both file systems, for bit-identical rebuilds. Unset: random ones read from
    // /dev/urandom.
    std::optional<std::array<std::uint8_t, 16>> uuid;
};

struct BuildResult {
    std::filesystem::path image;  // == request.output
    std::uint64_t size_bytes = 0;
};

// Checks the request (program given, readable, an x86-64 ELF executable), then writes the
// image with the program's libraries when it is dynamically linked (dependencies.h).
// Blocks on file I/O. Throws ops::Error with a message for the user; on any error no image is
// written and an existing image of that name is left as it was.
BuildResult build_image(const BuildRequest& request, const ImageOptions& options = {});

// Where the program is on the host: config.program as given when it exists (relative to the
// working directory), else relative to config.local_files_parent_directory.
std::filesystem::path program_host_path(const Config& config);

} // namespace ops
