// dynamic_test.cpp: dynamically linked glibc programs: ops ships ld.so and the libraries it
// finds by reading the ELF files, and the kernel starts the program through its interpreter.
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

TEST(Dynamic, HelloThroughTheInterpreter) {
    RunResult r = run_ops({"run", app("hello-dynamic")});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"hello from hello-dynamic"})) << r.describe();
}

TEST(Dynamic, ThreadsWithSharedLibpthread) {
    RunResult r = run_ops({"run", "--smp", "2", app("threads-dynamic")});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {"sum 2720000 expected 2720000", "threads: ok"}))
        << r.describe();
}

} // namespace
} // namespace vm
