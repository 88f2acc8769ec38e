// manifest.h: typed access to the root-tuple keys the kernel reads at boot (manifest.md 2, 7) and
// the key names ops writes. A thin layer over tfs::Value: no allocation, results point into the
// tree.
#pragma once

#include "common/base/span.h"
#include "common/tfs/value.h"

#include <cstddef>
#include <cstdint>

namespace manifest {

using common::Bytes;

// Key names (manifest.md). Writers use these too so both sides spell them the same.
namespace key {
constexpr char children[] = "children";
constexpr char program[] = "program";
constexpr char arguments[] = "arguments";
constexpr char environment[] = "environment";
constexpr char cwd[] = "cwd";
constexpr char noaslr[] = "noaslr";
constexpr char trace[] = "trace";
constexpr char debugsyscalls[] = "debugsyscalls";
constexpr char syscall_summary[] = "syscall_summary";
constexpr char missing_files[] = "missing_files";
constexpr char fault[] = "fault";
constexpr char futex_trace[] = "futex_trace";
constexpr char notrace[] = "notrace";
constexpr char exec_protection[] = "exec_protection";
constexpr char program_overwrite[] = "program_overwrite";
constexpr char reboot_on_exit[] = "reboot_on_exit";
constexpr char expected_exit_code[] = "expected_exit_code";
constexpr char consoles[] = "consoles";
constexpr char klibs[] = "klibs";
constexpr char mounts[] = "mounts";
constexpr char uname[] = "uname";
constexpr char log_level[] = "log_level";
constexpr char imagesize[] = "imagesize";
} // namespace key

// The value ops writes for a flag that is on (flags are tested for presence only, manifest.md 1).
constexpr char kFlagOn[] = "t";

// Arguments from a v4-style tuple are capped so a corrupt manifest cannot make the O(n^2) ordering
// walk long; Linux's own argv limit is far below this in practice.
constexpr size_t kMaxArguments = 4096;

enum class Error : uint8_t {
    none = 0,
    missing_program, // `program` absent or not a string: the kernel must stop
    limit,           // more than kMaxArguments arguments
};

struct EnvVar {
    Bytes name;
    Bytes value;
};

// `program`: required string.
Error program(const tfs::Value* root, Bytes* out);

// argv: `arguments` as a vector, or a v4 tuple keyed "0", "1", ... in numeric order. Empty and
// non-string elements are skipped; if none remain, argv = [program]. Stores the first out.size()
// arguments and the total in *count, so callers can size a second call.
Error arguments(const tfs::Value* root, common::Span<Bytes> out, size_t* count);

// envp: one NAME=value per string attribute of `environment` (non-strings skipped), in tuple
// order. Absent: empty. Stores the first out.size() and the total in *count.
void environment(const tfs::Value* root, common::Span<EnvVar> out, size_t* count);

// `cwd`, if present and a string.
bool cwd(const tfs::Value* root, Bytes* out);

// A flag is on when the key is present with any value (manifest.md 1).
bool has_flag(const tfs::Value* root, const char* name);

// A numeric key: an integer or a decimal string (manifest.md 1 "N").
bool number(const tfs::Value* root, const char* name, uint64_t* out);

} // namespace manifest
