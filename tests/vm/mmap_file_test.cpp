// mmap_file_test.cpp: file-backed mappings (mm/address_space.cpp, mm/page_cache.cpp,
// linux/mm_calls.cpp): MAP_SHARED and MAP_PRIVATE read mappings, their errors, mremap and
// MADV_DONTNEED on files; read()/write() and mappings sharing one copy of the file's pages.
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

class MmapFile : public ::testing::TestWithParam<const char*> {};

TEST_P(MmapFile, ReadMappingsFollowTheFile) {
    RunResult r = run_ops(
        {"run", app(std::string("mmap_file-") + GetParam()), "-a", "read", "-a", "/proc/self/exe"});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(
        r.out_lines(),
        {
            "ok MAP_SHARED read mapping matches read()",
            "ok mprotect PROT_WRITE on a shared mapping of a read-only fd: EACCES",
            "ok msync MS_SYNC",
            "ok MAP_SHARED PROT_WRITE on a read-only fd: EACCES",
            "ok MAP_PRIVATE at offset 4096 matches read()",
            "ok MADV_DONTNEED on a private file page reads the file again",
            "ok MAP_POPULATE mapping matches read()",
            "ok mapping outlives close()",
            "ok mremap growth continues with the file's bytes",
            "ok msync unmapped: ENOMEM",
            "mmap_file read: ok",
        }))
        << r.describe();
    EXPECT_TRUE(no_line_starting_with(r.out_lines(), "FAIL")) << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Variants, MmapFile, ::testing::ValuesIn(kAppVariants), variant_test_name);

// A MAP_SHARED writable mapping on the writable root: changes reach the file on msync, munmap
// and exit (the last one is checked by a second boot of the same image).
TEST(MmapFileShared, WritesReachTheFile) {
    TempDir dir;
    dir.write_file("config.json", R"({"BaseVolumeSz": "32m"})");
    RunResult first = run_ops({"run", app("mmap_file-static"), "-c", "config.json", "-i", "mmap",
                               "-a", "persist", "-a", "/shared.bin"},
                              {dir.path()});
    EXPECT_EXIT_CODE(first, 0);
    EXPECT_TRUE(has_lines_in_order(first.out_lines(),
                                   {
                                       "ok MAP_SHARED read-write mapping",
                                       "ok msync writes the change to the file",
                                       "ok munmap writes the change to the file",
                                       "ok mprotect keeps the shared mapping writable",
                                       "mmap_file write: ok",
                                   }))
        << first.describe();
    RunOptions again{dir.path()};
    again.ops_home = first.ops_home;
    RunResult second = run_ops({"run", app("mmap_file-static"), "-c", "config.json", "-i", "mmap",
                                "-a", "persist", "-a", "/shared.bin", "--skipbuild"},
                               again);
    EXPECT_EXIT_CODE(second, 0);
    EXPECT_TRUE(has_lines_in_order(second.out_lines(), {"mmap_file check: ok"}))
        << second.describe();
}

// read()/write() and every mapping see one copy of the file's pages at once (no msync), a
// private mapping copies on write, and truncation makes pages past the end raise SIGBUS: the
// output Linux gives, on 1 and 4 CPUs.
class MmapFileCoherence : public ::testing::TestWithParam<const char*> {};

TEST_P(MmapFileCoherence, ReadWriteAndMappingsShareThePages) {
    TempDir dir;
    dir.write_file("config.json", R"({"BaseVolumeSz": "32m"})");
    RunResult r = run_ops({"run", "--smp", GetParam(), app("mmap_file-static"), "-c", "config.json",
                           "-a", "coherence", "-a", "/coherent.bin"},
                          {dir.path()});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(
        has_lines_in_order(r.out_lines(),
                           {
                               "ok write() is seen by existing MAP_SHARED mappings at once",
                               "ok a store through MAP_SHARED is seen by read() without msync",
                               "ok two MAP_SHARED mappings share the page",
                               "ok a MAP_PRIVATE store does not reach the file",
                               "ok a MAP_PRIVATE page keeps its copy after the file changes",
                               "ok the tail of the last page is zero",
                               "ok a shared mapping past the end of the file: SIGBUS",
                               "ok a private mapping past the end of the file: SIGBUS",
                               "ok pages inside the file still read",
                               "ok after growing the file the page reads as zero",
                               "ok write() into the grown part is seen by the mapping",
                               "ok a store survives munmap without msync",
                               "ok fsync and msync",
                               "mmap_file coherence: ok",
                           }))
        << r.describe();
    EXPECT_TRUE(no_line_starting_with(r.out_lines(), "FAIL")) << r.describe();
}

// Three threads store into a MAP_SHARED mapping on four CPUs while the main thread calls fsync
// and msync(MS_SYNC) 20 times (each write-back write-protects the pages under the storing
// threads); read() then sees the mapping, and a second boot finds its final bytes in the file.
TEST(MmapFileShared, StoresRacingWithSyncsReachTheDisk) {
    TempDir dir;
    dir.write_file("config.json", R"({"BaseVolumeSz": "32m"})");
    RunResult first =
        run_ops({"run", "--smp", "4", app("mmap_file-static"), "-c", "config.json", "-i", "race",
                 "-a", "race", "-a", "/race.bin", "-a", "/race.expected"},
                {dir.path()});
    EXPECT_EXIT_CODE(first, 0);
    EXPECT_TRUE(has_lines_in_order(first.out_lines(),
                                   {
                                       "ok fsync and msync while threads store",
                                       "ok read() sees the mapping after racing stores and syncs",
                                       "mmap_file race: ok",
                                   }))
        << first.describe();
    RunOptions again{dir.path()};
    again.ops_home = first.ops_home;
    RunResult second = run_ops({"run", "--smp", "4", app("mmap_file-static"), "-c", "config.json",
                                "-i", "race", "--skipbuild"},
                               again);
    EXPECT_EXIT_CODE(second, 0);
    EXPECT_TRUE(has_lines_in_order(second.out_lines(), {"mmap_file race check: ok"}))
        << second.describe();
}

// With 24 MiB of RAM, a 32 MiB file reads back right twice through the page cache, which then
// gives its clean pages back so the program can fill 12 MiB of anonymous memory.
TEST(MmapFilePageCache, FilesLargerThanMemoryReadBack) {
    TempDir dir;
    dir.write_file("config.json", R"({"BaseVolumeSz": "64m"})");
    RunResult r = run_ops({"run", "-m", "24M", app("mmap_file-static"), "-c", "config.json", "-a",
                           "pressure", "-a", "/big.bin", "-a", "32", "-a", "12"},
                          {dir.path()});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {
                                       "ok write a file larger than RAM",
                                       "ok it reads back",
                                       "ok it reads back again",
                                       "ok anonymous memory after reading it",
                                       "mmap_file pressure: ok",
                                   }))
        << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Cpus, MmapFileCoherence, ::testing::Values("1", "4"),
                         [](const auto& info) { return std::string("smp") + info.param; });

} // namespace
} // namespace vm
