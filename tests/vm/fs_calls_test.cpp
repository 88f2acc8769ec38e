// fs_calls_test.cpp: file syscalls (open, read, fstat, lseek, pread, getdents64) on a file
// shipped into the image through a config.json Files entry.
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

class ReadFile : public ::testing::TestWithParam<const char*> {};

TEST_P(ReadFile, ShippedFileReadsBack) {
    TempDir dir;
    dir.write_file("files/data.txt", "line one\nline two\n");
    // Files paths are relative to the current directory and keep their path in the image.
    dir.write_file("config.json", R"({"Files": ["files/data.txt"]})");
    RunResult r = run_ops({"run", app(std::string("read_file-") + GetParam()), "-c", "config.json",
                           "-a", "/files/data.txt"},
                          {dir.path()});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {
                                       "line one",
                                       "line two",
                                       "ok fstat",
                                       "ok lseek",
                                       "ok pread",
                                       "ok getdents64",
                                   }))
        << r.describe();
    EXPECT_TRUE(no_line_starting_with(r.out_lines(), "FAIL")) << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Variants, ReadFile, ::testing::ValuesIn(kAppVariants), variant_test_name);

} // namespace
} // namespace vm
