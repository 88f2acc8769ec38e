// config_file.h: the strict config.json decoder. Every error names the file, line, column and
// field path ("config.json:4:5: unknown field RunConfig.Memroy: did you mean Memory?").
#pragma once

#include "ops/config/config.h"

#include <filesystem>
#include <string_view>

namespace ops {

// Decodes config.json text over `base` (fields absent from the file keep base's values).
// `file_name` is only used in messages. Throws ops::Error.
Config decode_config(std::string_view text, std::string_view file_name, Config base = {});

// Reads and decodes `path`, and sets local_files_parent_directory to its directory.
// Throws ops::Error (also for a missing or unreadable file).
Config load_config_file(const std::filesystem::path& path, Config base = {});

} // namespace ops
