// python_test.cpp: Debian's python3 (dynamically linked, libpython built in) runs `-c` code
// with its standard library shipped through config Dirs: imports from .pyc files, extension
// modules from lib-dynload (_json), hashing, JSON.
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

TEST(Python, StandardLibraryFromDirs) {
    TempDir dir;
    // Args in the config: on the command line "-c" would be read as ops's own flag.
    dir.write_file("config.json", R"json({
        "Dirs": ["/usr/lib/python3.11"],
        "Args": ["-c", "import json, hashlib, sys; print(json.dumps({'sha256': hashlib.sha256(b'ops').hexdigest()[:16], 'sum': sum(i * i for i in range(1000)), 'version': sys.version_info[:2]}, sort_keys=True))"]
    })json");
    RunResult r = run_ops({"run", "/usr/bin/python3.11", "-c", "config.json"}, {dir.path()});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(
        r.out_lines(), {R"({"sha256": "a92c36e66a25ee99", "sum": 332833500, "version": [3, 11]})"}))
        << r.describe();
}

} // namespace
} // namespace vm
