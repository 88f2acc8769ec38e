// programs_test.cpp: real dynamically linked programs: a C++ program (libstdc++ exceptions,
// std::thread) on one and four CPUs, and dlopen()/dlsym() of a library shipped in the image.
// Debian's python3 and sqlite3 have their own files (python_test.cpp, sqlite_test.cpp).
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

class CppProgram : public ::testing::TestWithParam<const char*> {};

TEST_P(CppProgram, ExceptionsAndThreads) {
    RunResult r = run_ops({"run", "--smp", GetParam(), app("cpp_features-dynamic")});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {
                                       "parse 12345: ok",
                                       "caught \"not a digit: x\" at 2",
                                       "parse error position: ok",
                                       "caught \"bottom\" after 11 destructors",
                                       "unwinding ran destructors: ok",
                                       "rethrown \"from worker\"",
                                       "exception_ptr across threads: ok",
                                       "total 8002000 expected 8002000",
                                       "producer/consumer total: ok",
                                       "thread_local per thread: ok",
                                       "main thread_local untouched: ok",
                                       "cpp_features: ok",
                                   }))
        << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Smp, CppProgram, ::testing::Values("1", "4"),
                         [](const auto& info) { return std::string("smp") + info.param; });

TEST(Dlopen, LibraryFromTheImageAndAMissingOne) {
    TempDir dir;
    // MapDirs puts the plugin in /lib, on ld.so's default search path, so the program finds it
    // by its bare name as it would on Linux.
    dir.write_file("config.json",
                   R"({"MapDirs": {")" + app("libdlopen_plugin.so") + R"(": "/lib"}})");
    RunResult r =
        run_ops({"run", app("dlopen-dynamic"), "-c", "config.json", "-a", "libdlopen_plugin.so"},
                {dir.path()});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(
        r.out_lines(),
        {
            "dlopen libdlopen_plugin.so: ok",
            "plugin dlopen_plugin: combine 12035 12036",
            "missing symbol: dlerror set",
            "missing library: libdoes_not_exist.so.7: cannot open shared object file: No such "
            "file or directory",
            "dlopen: ok",
        }))
        << r.describe();
}

} // namespace
} // namespace vm
