// ld_so_conf.h: the library directories a root's /etc/ld.so.conf names, with its `include`
// globs followed, as ldconfig reads them. dependencies.cpp searches them after RUNPATH, where
// ld.so consults /etc/ld.so.cache (built from the same files).
#pragma once

#include "ops/image/sysroot.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ops {

// Bounds on what a (possibly hostile, TargetRoot-supplied) configuration can make us read.
// Real systems have one ld.so.conf, one include level and a dozen files of a few lines.
inline constexpr int kMaxLdSoConfDepth = 8;          // nested includes
inline constexpr std::size_t kMaxLdSoConfFiles = 256; // files read in total
inline constexpr std::uintmax_t kMaxLdSoConfBytes = 1u << 20; // per file; larger ones are skipped

// One meaningful line of a file: a directory (absolute, trailing '/' removed) or an include
// glob pattern as written (may be relative).
struct LdSoConfLine {
    enum class Kind { directory, include };
    Kind kind;
    std::string text;
    bool operator==(const LdSoConfLine&) const = default;
};

// Parses ld.so.conf syntax: '#' starts a comment; "include PATTERN..." names more files;
// "hwcap ..." lines are obsolete and ignored; any other non-empty line is one directory (an
// old "=TYPE" suffix is dropped). Relative directories are ignored, as ldconfig does. An
// include line with several patterns gives one entry per pattern, in order.
std::vector<LdSoConfLine> parse_ld_so_conf(std::string_view text);

// The directories named by `file` (an image path below `root`, normally /etc/ld.so.conf) and,
// recursively, by the files its include patterns match (globbed below the root, sorted;
// relative patterns start from the including file's directory). Each directory once, in the
// order ldconfig sees them. A missing, unreadable or oversized file contributes nothing; a file
// already read is not read again, so include loops end. Blocks on file reads and glob().
std::vector<std::string> read_ld_so_conf(const Sysroot& root,
                                         const std::string& file = "/etc/ld.so.conf");

} // namespace ops
