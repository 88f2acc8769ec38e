// procfs_test.cpp: /proc and /sys files, and ops run --missing-files listing what the program
// looked for that the image does not have.
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

TEST(Procfs, FilesRuntimesRead) {
    RunResult r = run_ops({"run", "--smp", "2", app("procfs-static")});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {"ok proc_self_exe", "ok proc_self_maps", "ok proc_meminfo",
                                    "ok proc_cpuinfo", "ok sys_cpu_online", "ok proc_self_fd",
                                    "cpus 2", "procfs: ok"}))
        << r.describe();
}

TEST(MissingFiles, ListsPathsTheProgramLookedFor) {
    RunResult r = run_ops({"run", "--missing-files", app("read_file-static"), "-a",
                           "/etc/not-in-the-image.conf"});
    EXPECT_NE(r.out.find("files the program looked for that are not in the image"),
              std::string::npos)
        << r.describe();
    EXPECT_NE(r.out.find("  /etc/not-in-the-image.conf"), std::string::npos) << r.describe();
}

} // namespace
} // namespace vm
