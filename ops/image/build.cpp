// build.cpp: request validation in front of write_image().
#include "ops/image/build.h"

#include "ops/base/error.h"
#include "ops/image/elf_check.h"
#include "ops/image/write_image.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace ops {

std::filesystem::path program_host_path(const Config& config) {
    std::filesystem::path program = config.program;
    if (program.is_relative() && !config.local_files_parent_directory.empty() &&
        !std::filesystem::exists(program))
        program = config.local_files_parent_directory / program;
    return program;
}

BuildResult build_image(const BuildRequest& request, const ImageOptions& options) {
    const Config& config = request.config;
    if (config.program.empty())
        throw Error("no program to build", "give the ELF as an argument (ops build ./myapp) or "
                                           "set Program in config.json");
    std::filesystem::path program = program_host_path(config);
    std::error_code error;
    auto status = std::filesystem::status(program, error);
    if (error || !std::filesystem::exists(status))
        throw Error("the program " + config.program + " does not exist",
                    "check the path (relative paths start from the current directory)");
    if (!std::filesystem::is_regular_file(status))
        throw Error("the program " + config.program + " is not a regular file",
                    "give the path of an ELF executable");
    if (::access(program.c_str(), R_OK) != 0)
        throw Error("cannot read the program " + config.program + ": " + std::strerror(errno),
                    "check its permissions");
    check_program_elf(program, config.program);
    if (request.output.empty() || request.kernel.empty())
        throw Error("internal error: build request without output or kernel", "please report this");
    return write_image(request, options);
}

} // namespace ops
