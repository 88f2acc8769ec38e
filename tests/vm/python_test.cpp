// python_test.cpp: Debian's python3 (dynamically linked, libpython built in) runs `-c` code
// with its standard library shipped through config Dirs: imports from .pyc files, extension
// modules from lib-dynload (_json), hashing, JSON; threads and a file on the writable root.
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

// Python threads (clone, futexes, the GIL) on two CPUs, and a file written on the writable root
// and read back.
TEST(Python, ThreadsAndAFileOnTwoCpus) {
    TempDir dir;
    dir.write_file("config.json", R"json({
        "Dirs": ["/usr/lib/python3.11"],
        "BaseVolumeSz": "96m",
        "Args": ["-c", "import threading\nresults = [0] * 4\ndef work(i): results[i] = sum(range(i * 100000))\nthreads = [threading.Thread(target=work, args=(i,)) for i in range(4)]\n[t.start() for t in threads]; [t.join() for t in threads]\nwith open('/out.txt', 'w') as f: f.write(repr(results))\nprint('threads', open('/out.txt').read(), threading.active_count())"]
    })json");
    RunResult r =
        run_ops({"run", "--smp", "2", "/usr/bin/python3.11", "-c", "config.json"}, {dir.path()});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(
        has_lines_in_order(r.out_lines(), {"threads [0, 4999950000, 19999900000, 44999850000] 1"}))
        << r.describe();
}

} // namespace
} // namespace vm
