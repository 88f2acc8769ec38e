// kernel.cpp: kernel lookup.
#include "ops/image/kernel.h"

#include "ops/base/environment.h"
#include "ops/base/error.h"

namespace ops {

namespace {
std::filesystem::path existing_kernel(const std::filesystem::path& path, const char* source) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
        throw Error(std::string("the kernel ") + path.string() + " (from " + source +
                        ") does not exist or is not a file",
                    "fix the path, or unset it to use kernel.elf next to ops");
    return path;
}
} // namespace

std::filesystem::path find_kernel(const Config& config, const Environment& environment,
                                  const std::filesystem::path& executable_directory) {
    if (!config.kernel.empty()) {
        std::filesystem::path path = config.kernel;
        if (path.is_relative() && !config.local_files_parent_directory.empty())
            path = config.local_files_parent_directory / path;
        return existing_kernel(path, "the config's Kernel field");
    }
    if (auto path = environment.get("OPS_KERNEL"); path && !path->empty())
        return existing_kernel(*path, "OPS_KERNEL");
    if (!executable_directory.empty()) {
        std::filesystem::path beside = executable_directory / "kernel.elf";
        std::error_code error;
        if (std::filesystem::is_regular_file(beside, error))
            return beside;
    }
    throw Error("cannot find the kernel (kernel.elf)",
                "set OPS_KERNEL=/path/to/kernel.elf, or put kernel.elf next to the ops executable");
}

std::filesystem::path executable_directory() {
    std::error_code error;
    auto executable = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error)
        return {};
    return executable.parent_path();
}

} // namespace ops
