// fs_write_test.cpp: the writable root filesystem: every file call (fs_write), a full disk
// (fs_fill), files surviving a reboot of the same image (fs_persist), and records that fsync
// returned surviving QEMU being killed at any moment (fs_crash, checked with `ops image cat`).
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace vm {
namespace {

class WritableFs : public ::testing::TestWithParam<const char*> {};

TEST_P(WritableFs, EveryFileCallBehavesAsOnLinux) {
    TempDir dir;
    dir.write_file("config.json", R"({"BaseVolumeSz": "64m"})");
    RunResult r = run_ops({"run", app(std::string("fs_write-") + GetParam()), "-c", "config.json"},
                          {dir.path()});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {
                                       "ok open O_CREAT|O_EXCL",
                                       "ok fallocate KEEP_SIZE",
                                       "ok rename over a non-empty directory",
                                       "ok link shares the inode",
                                       "ok utimensat",
                                       "ok umask applies to new files",
                                       "ok chmod",
                                       "ok linkat AT_EMPTY_PATH names it",
                                       "ok unlinked file still reads",
                                       "ok pread in odd sizes reads it back twice",
                                       "ok pwrite into a cached page is read back",
                                       "ok ftruncate into a cached page",
                                       "ok growing again reads zeros after the old end",
                                       "ok O_APPEND writes after the cached end",
                                       "ok getdents while unlinking sees each "
                                       "entry once",
                                       "ok space comes back after sync",
                                       "PASSED: 0 failures",
                                   }))
        << r.describe();
    EXPECT_TRUE(no_line_starting_with(r.out_lines(), "FAIL")) << r.describe();
}

INSTANTIATE_TEST_SUITE_P(Variants, WritableFs, ::testing::ValuesIn(kAppVariants),
                         variant_test_name);

TEST(WritableFsFull, EnospcKeepsEarlierFiles) {
    TempDir dir;
    // 16 MiB image: 12 MiB boot filesystem, the program, 1 MiB kept for log extensions, and a
    // little over 2 MiB to fill.
    dir.write_file("config.json", R"({"BaseVolumeSz": "16m"})");
    RunResult r = run_ops({"run", app("fs_fill-static"), "-c", "config.json"}, {dir.path()});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(),
                                   {
                                       "ok write /keep",
                                       "ok write fails with ENOSPC",
                                       "ok the file holds what was written",
                                       "ok ENOSPC again",
                                       "ok /keep intact after ENOSPC",
                                       "ok space is usable again",
                                       "PASSED: 0 failures",
                                   }))
        << r.describe();
}

TEST(WritableFsPersistence, FilesSurviveAReboot) {
    TempDir dir;
    dir.write_file("config.json", R"({"BaseVolumeSz": "32m"})");
    RunResult first = run_ops(
        {"run", app("fs_persist-static"), "-c", "config.json", "-i", "persist"}, {dir.path()});
    EXPECT_EXIT_CODE(first, 0);
    EXPECT_TRUE(has_lines_in_order(first.out_lines(), {"phase write", "PASSED: 0 failures"}))
        << first.describe();
    RunOptions again{dir.path()};
    again.ops_home = first.ops_home;
    RunResult second = run_ops(
        {"run", app("fs_persist-static"), "-c", "config.json", "-i", "persist", "--skipbuild"},
        again);
    EXPECT_EXIT_CODE(second, 0);
    EXPECT_TRUE(has_lines_in_order(second.out_lines(),
                                   {"phase check", "ok big file", "ok hard link", "ok fallocate",
                                    "ok utimensat", "PASSED: 0 failures"}))
        << second.describe();
    EXPECT_TRUE(no_line_starting_with(second.out_lines(), "FAIL")) << second.describe();
    // Our offline reader sees the same files.
    RunResult cat = run_ops({"image", "cat", "persist", "/persist/renamed"}, again);
    EXPECT_EXIT_CODE(cat, 0);
    EXPECT_EQ(cat.out, "renamed") << cat.describe();
}

// Boots image `image` of `program` with `ops run ... --skipbuild` in its own process group,
// waits until the program printed "synced <n>" for n >= `after` (or the line "wrote idle"),
// sleeps `delay`, then kills ops and QEMU with SIGKILL. Returns the highest n printed before the
// kill (-1 when none).
long boot_and_kill(const std::string& ops_home, const std::string& cwd, long after,
                   std::chrono::milliseconds delay, std::string* output,
                   const std::string& image = "crash",
                   const std::string& program = "fs_crash-static") {
    std::vector<std::string> args = {ops_binary(),  "run", app(program), "-c",
                                     "config.json", "-i",  image,        "--skipbuild"};
    std::vector<std::string> env;
    for (char** e = environ; *e; e++)
        if (strncmp(*e, "OPS_HOME=", 9) && strncmp(*e, "OPS_ACCEL=", 10))
            env.push_back(*e);
    env.push_back("OPS_HOME=" + ops_home);
    env.push_back("OPS_ACCEL=tcg");
    std::vector<char*> argv, envp;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        if (chdir(cwd.c_str()) != 0)
            _exit(127);
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    close(out[1]);
    setpgid(pid, pid);
    long highest = -1;
    std::string pending;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::chrono::steady_clock::time_point kill_at = std::chrono::steady_clock::time_point::max();
    for (;;) {
        auto now = std::chrono::steady_clock::now();
        if (now >= kill_at || now >= deadline)
            break;
        auto until = std::min(kill_at, deadline);
        int wait_ms =
            int(std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count()) + 1;
        pollfd p{out[0], POLLIN, 0};
        if (poll(&p, 1, wait_ms) <= 0)
            continue;
        char buffer[4096];
        ssize_t n = read(out[0], buffer, sizeof buffer);
        if (n <= 0)
            break;
        output->append(buffer, size_t(n));
        pending.append(buffer, size_t(n));
        size_t newline;
        while ((newline = pending.find('\n')) != std::string::npos) {
            std::string line = pending.substr(0, newline);
            pending.erase(0, newline + 1);
            if (line.rfind("synced ", 0) == 0) {
                highest = std::stol(line.substr(7));
                if (highest >= after && kill_at == std::chrono::steady_clock::time_point::max())
                    kill_at = std::chrono::steady_clock::now() + delay;
            }
            if (line == "wrote idle" && kill_at == std::chrono::steady_clock::time_point::max())
                kill_at = std::chrono::steady_clock::now() + delay;
        }
    }
    kill(-pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    // Lines that were already in the pipe were printed before the kill too.
    char buffer[4096];
    ssize_t n;
    while ((n = read(out[0], buffer, sizeof buffer)) > 0) {
        pending.append(buffer, size_t(n));
        output->append(buffer, size_t(n));
    }
    close(out[0]);
    size_t start = 0, newline;
    while ((newline = pending.find('\n', start)) != std::string::npos) {
        std::string line = pending.substr(start, newline - start);
        if (line.rfind("synced ", 0) == 0)
            highest = std::max(highest, std::stol(line.substr(7)));
        start = newline + 1;
    }
    return highest;
}

std::string expected_record(long i) {
    char record[64];
    int n = snprintf(record, sizeof record, "record %08ld ", i);
    for (int j = n; j < 63; j++)
        record[j] = char('a' + (i * 7 + j) % 26);
    record[63] = '\n';
    return std::string(record, 64);
}

TEST(WritableFsCrash, FsyncedRecordsSurviveKills) {
    TempDir dir;
    dir.write_file("config.json", R"({"BaseVolumeSz": "32m"})");
    RunResult build = run_ops({"build", app("fs_crash-static"), "-c", "config.json", "-i", "crash"},
                              {dir.path()});
    ASSERT_TRUE(build.exited && build.exit_code == 0) << build.describe();
    RunOptions same{dir.path()};
    same.ops_home = build.ops_home;
    // Kill after different numbers of records and at different points of an fsync.
    const int delays_ms[] = {0, 7, 23, 41, 3, 60, 15, 90};
    long synced = 0;
    for (int round = 0; round < 8; round++) {
        std::string output;
        long got = boot_and_kill(build.ops_home, dir.path(), synced + 2 + round,
                                 std::chrono::milliseconds(delays_ms[round]), &output);
        ASSERT_GE(got, synced) << "round " << round << " never reported progress:\n" << output;
        synced = got;
        RunResult cat = run_ops({"image", "cat", "crash", "/crash/log"}, same);
        ASSERT_TRUE(cat.exited && cat.exit_code == 0) << cat.describe();
        ASSERT_EQ(cat.out.size() % 64, 0u) << "round " << round << ": a torn record";
        long present = long(cat.out.size() / 64);
        ASSERT_GE(present, synced) << "round " << round << ": fsynced records are missing";
        for (long i = 0; i < present; i++)
            ASSERT_EQ(cat.out.substr(size_t(i) * 64, 64), expected_record(i))
                << "round " << round << ": record " << i << " is damaged";
        std::printf("round %d: killed %d ms after synced %ld; %ld records on disk\n", round,
                    delays_ms[round], got, present);
        synced = present;
    }
}

// Without fsync and without exiting, changes reach the disk about a second later: the program
// writes a file, prints "wrote idle" and sleeps; QEMU is killed 3 s later.
TEST(WritableFsCrash, ChangesReachTheDiskWithinSecondsWithoutSync) {
    TempDir dir;
    dir.write_file("config.json", R"({"BaseVolumeSz": "32m"})");
    RunResult build =
        run_ops({"build", app("fs_crash-static"), "-c", "config.json", "-i", "idle", "-a", "idle"},
                {dir.path()});
    ASSERT_TRUE(build.exited && build.exit_code == 0) << build.describe();
    std::string output;
    boot_and_kill(build.ops_home, dir.path(), 0, std::chrono::milliseconds(3000), &output, "idle");
    ASSERT_NE(output.find("wrote idle"), std::string::npos) << output;
    RunOptions same{dir.path()};
    same.ops_home = build.ops_home;
    RunResult cat = run_ops({"image", "cat", "idle", "/crash/idle"}, same);
    EXPECT_EXIT_CODE(cat, 0);
    EXPECT_EQ(cat.out, "written without fsync\n") << cat.describe() << "\n" << output;
}

// A store through a MAP_SHARED mapping reaches the disk about a second later too, without msync,
// munmap or exit (the page cache writes dirty pages back with the filesystem's log): the
// program stores, prints "wrote idle" and sleeps; QEMU is killed 3 s later.
TEST(WritableFsCrash, MappedStoresReachTheDiskWithinSeconds) {
    TempDir dir;
    dir.write_file("config.json", R"({"BaseVolumeSz": "32m"})");
    RunResult build = run_ops({"build", app("mmap_file-static"), "-c", "config.json", "-i",
                               "mapidle", "-a", "idle", "-a", "/mapped.bin"},
                              {dir.path()});
    ASSERT_TRUE(build.exited && build.exit_code == 0) << build.describe();
    std::string output;
    boot_and_kill(build.ops_home, dir.path(), 0, std::chrono::milliseconds(3000), &output,
                  "mapidle", "mmap_file-static");
    ASSERT_NE(output.find("wrote idle"), std::string::npos) << output;
    RunOptions same{dir.path()};
    same.ops_home = build.ops_home;
    RunResult cat = run_ops({"image", "cat", "mapidle", "/mapped.bin"}, same);
    EXPECT_EXIT_CODE(cat, 0);
    std::string expected(2 * 4096, '\0');
    expected.replace(4096 + 10, 20, "stored without msync");
    EXPECT_EQ(cat.out, expected) << cat.describe() << "\n" << output;
}

} // namespace
} // namespace vm
