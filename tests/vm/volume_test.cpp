// volume_test.cpp: data volumes: `ops volume create`, then `ops run --mounts` (and config
// Mounts) attach them as more virtio-blk disks that the kernel mounts from the manifest; what
// one run writes the next one reads, ":ro" refuses writes, bad mounts fail with one line.
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

// A fresh OPS_HOME holding an 8 MiB volume named "data".
RunResult create_volume() {
    RunResult created = run_ops({"volume", "create", "data", "-s", "8m"});
    EXPECT_EXIT_CODE(created, 0);
    return created;
}

TEST(Volumes, WrittenByOneRunReadByTheNext) {
    RunResult created = create_volume();
    RunOptions same;
    same.ops_home = created.ops_home;
    RunResult first =
        run_ops({"run", app("fs_volume-static"), "-a", "write", "--mounts", "data:/data"}, same);
    EXPECT_EXIT_CODE(first, 0);
    EXPECT_TRUE(has_lines_in_order(first.out_lines(),
                                   {"ok the volume is another filesystem", "ok wrote the note",
                                    "ok rename across filesystems is EXDEV", "PASSED: 0 failures"}))
        << first.describe();
    RunResult second =
        run_ops({"run", app("fs_volume-static"), "-a", "read", "--mounts", "data:/data"}, same);
    EXPECT_EXIT_CODE(second, 0);
    EXPECT_TRUE(has_lines_in_order(second.out_lines(), {"ok note from the first run"}))
        << second.describe();
    RunResult cat = run_ops({"volume", "cat", "data", "/note"}, same);
    EXPECT_EXIT_CODE(cat, 0);
    EXPECT_EQ(cat.out, "from the first run\n") << cat.describe();
}

TEST(Volumes, ReadOnlyMountRefusesWrites) {
    RunResult created = create_volume();
    TempDir dir;
    RunOptions same{dir.path()};
    same.ops_home = created.ops_home;
    // The note goes in through config.json Mounts, the read-only check through --mounts.
    dir.write_file("config.json", R"({"Mounts": {"data": "/data"}})");
    RunResult first =
        run_ops({"run", app("fs_volume-static"), "-c", "config.json", "-a", "write"}, same);
    EXPECT_EXIT_CODE(first, 0);
    RunResult ro = run_ops(
        {"run", app("fs_volume-static"), "-a", "readonly", "--mounts", "data:/data:ro"}, same);
    EXPECT_EXIT_CODE(ro, 0);
    EXPECT_TRUE(has_lines_in_order(
        ro.out_lines(), {"ok reads on a read-only volume", "ok create refused with EROFS",
                         "ok open for writing refused with EROFS", "ok mkdir refused with EROFS",
                         "ok unlink refused with EROFS", "ok statfs says read-only"}))
        << ro.describe();
    EXPECT_TRUE(no_line_starting_with(ro.out_lines(), "FAIL")) << ro.describe();
}

TEST(Volumes, ReadonlyRootfsFlagRefusesRootWrites) {
    TempDir dir;
    dir.write_file("config.json", R"({"ManifestPassthrough": {"readonly_rootfs": "t"}})");
    RunResult r = run_ops({"run", app("fs_volume-static"), "-c", "config.json", "-a", "rootro"},
                          {dir.path()});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"ok root create refused with EROFS",
                                                   "ok root mkdir refused with EROFS",
                                                   "ok root statfs says read-only",
                                                   "ok root still reads", "PASSED: 0 failures"}))
        << r.describe();
}

// Each mistake is one line on stderr and a non-zero exit, before anything boots.
void expect_refused(const std::vector<std::string>& args, const RunOptions& options,
                    const std::string& words) {
    RunResult r = run_ops(args, options);
    EXPECT_TRUE(r.exited && r.exit_code != 0) << r.describe();
    auto lines = r.err_lines();
    ASSERT_FALSE(lines.empty()) << r.describe();
    EXPECT_NE(r.err.find(words), std::string::npos) << r.describe();
    EXPECT_EQ(r.out.find("ok "), std::string::npos) << "the program ran\n" << r.describe();
}

TEST(Volumes, BadMountsFailWithOneLine) {
    RunResult created = create_volume();
    RunOptions same;
    same.ops_home = created.ops_home;
    std::string program = app("fs_volume-static");
    expect_refused({"run", program, "--mounts", "missing:/data"}, same, "missing");
    expect_refused({"run", program, "--mounts", "data:/a", "--mounts", "data:/b"}, same,
                   "attached twice");
    expect_refused({"run", program, "--mounts", "data:/"}, same, "cannot be mounted at /");
    expect_refused({"run", program, "--mounts", "data"}, same, "VOLUME:/PATH");
}

} // namespace
} // namespace vm
