// root_fs.h: what the root file system of an image holds (manifest.md 9.3): the program and its
// libraries, the generated /etc and /proc files, Files, MapDirs and Dirs, plus the manifest keys.
// The bytes are written by write_image.cpp.
#pragma once

#include "ops/config/config.h"
#include "ops/image/image_tree.h"

#include <filesystem>
#include <string>

namespace ops {

// Where a Files, Dirs or MapDirs entry is on the host: relative entries start from
// config.local_files_parent_directory (the config file's directory, else the working
// directory); absolute ones are taken as they are, or below config.target_root when it is set.
std::filesystem::path host_path_of(const Config& config, const std::string& entry);

// Fills `tree` in the established ops's order, later entries replacing earlier ones of the same
// path: the program (`program_host`, symlinks followed) at image_path(config.program), its
// interpreter, libraries and runtime files (dependencies.h), the generated files, Files,
// MapDirs, Dirs; then the manifest keys. Throws ops::Error naming the
// entry when a Files, Dirs or MapDirs source does not exist. Blocks on host file system reads;
// file contents are read later, when the tree is written.
void collect_root_fs(ImageTree& tree, const Config& config,
                     const std::filesystem::path& program_host, const std::string& image_name);

// Adds what the program at image path `program` needs to run (dependencies.h): nothing for a
// static program. Looks below config.target_root and uses LD_LIBRARY_PATH of config.env.
// Returns whether it runs on glibc. Throws ops::Error listing missing libraries.
bool add_dependencies(ImageTree& tree, const Config& config,
                      const std::filesystem::path& program_host, const std::string& program);

// The generated files, as the established ops writes them. /etc/hostname only goes into
// images of glibc programs.
std::string resolv_conf(const Config& config);
inline constexpr const char* kHostname = "uniboot";
inline constexpr const char* kPasswd = "root:x:0:0:root:/root:/bin/nobash";

} // namespace ops
