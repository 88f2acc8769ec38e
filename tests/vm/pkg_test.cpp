// pkg_test.cpp: `ops pkg` end to end under TCG: a package made with from-run boots with
// `pkg load -l` and keeps the program's output and exit status; packages added from a directory
// and from a .tar.gz are listed, described and shown; bad input (an unknown package, a corrupt
// archive, a manifest with a bad field) gives one line on stderr and a non-zero exit. Every
// command of one test shares one OPS_HOME.
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace vm {
namespace {

namespace fs = std::filesystem;

void expect_exit(const RunResult& result, int code) {
    EXPECT_EXIT_CODE(result, code);
}

// One line on stderr, starting "ops: " and containing `keyword`, and a non-zero exit.
void expect_one_line_error(const RunResult& r, const std::string& keyword) {
    EXPECT_TRUE(r.exited && r.exit_code != 0) << "expected a non-zero exit\n" << r.describe();
    std::vector<std::string> lines;
    for (const std::string& line : r.err_lines())
        if (!line.empty())
            lines.push_back(line);
    ASSERT_EQ(lines.size(), 1u) << "expected exactly one line on stderr\n" << r.describe();
    EXPECT_EQ(lines[0].rfind("ops: ", 0), 0u) << r.describe();
    EXPECT_NE(lines[0].find(keyword), std::string::npos)
        << "stderr should mention \"" << keyword << "\"\n"
        << r.describe();
}

class PackageHome {
  public:
    PackageHome() { m_options.ops_home = m_home.path(); }
    RunResult ops(const std::vector<std::string>& args) const { return run_ops(args, m_options); }
    fs::path local() const { return fs::path(m_home.path()) / ".ops/local_packages/amd64"; }
    const TempDir& work() const { return m_work; }

  private:
    TempDir m_home;
    TempDir m_work;
    RunOptions m_options;
};

// A package directory <work>/<name>: the program, a manifest, a README and a sysroot file.
fs::path make_package(const PackageHome& home, const std::string& name, const std::string& program,
                      const std::string& manifest) {
    fs::path dir = fs::path(home.work().path()) / name;
    home.work().write_file(name + "/package.manifest", manifest);
    home.work().write_file(name + "/README.md", "# " + name + "\nA test package.\n");
    home.work().write_file(name + "/sysroot/etc/greeting", "hello from the sysroot\n");
    fs::copy_file(app(program), dir / "prog");
    return dir;
}

TEST(Pkg, FromRunThenLoadKeepsOutputAndExitCode) {
    PackageHome home;
    RunResult made = home.ops({"pkg", "from-run", app("exit_code-static"), "--name", "exiter",
                               "--version", "1.0", "-a", "7"});
    expect_exit(made, 0);
    EXPECT_TRUE(has_lines_in_order(made.out_lines(), {"exiter:1.0"})) << made.describe();
    EXPECT_TRUE(fs::exists(home.local() / "exiter_1.0/package.manifest"));

    RunResult loaded = home.ops({"pkg", "load", "exiter:1.0", "-l"});
    expect_exit(loaded, 7);
    EXPECT_TRUE(has_lines_in_order(loaded.out_lines(), {"exiting with 7"})) << loaded.describe();

    // The user's -a comes after the package's Args: exit_code reads argv[1], still 7.
    RunResult with_args = home.ops({"pkg", "load", "exiter", "-l", "-a", "3"});
    expect_exit(with_args, 7);
}

TEST(Pkg, FromRunOfADynamicProgramCarriesItsLibraries) {
    PackageHome home;
    expect_exit(
        home.ops({"pkg", "from-run", app("hello-dynamic"), "--name", "hello", "--version", "2.0"}),
        0);
    EXPECT_TRUE(fs::exists(
        fs::symlink_status(home.local() / "hello_2.0/sysroot/lib64/ld-linux-x86-64.so.2")));
    RunResult loaded = home.ops({"pkg", "load", "hello:latest", "-l"});
    expect_exit(loaded, 0);
    EXPECT_TRUE(has_lines_in_order(loaded.out_lines(), {"hello from hello-dynamic"}))
        << loaded.describe();
}

TEST(Pkg, AddDirectoryAndTarGzThenListDescribeContents) {
    PackageHome home;
    fs::path dir = make_package(home, "greeter_1.2", "read_file-static",
                                R"({"Program": "greeter_1.2/prog", "Args": ["/etc/greeting"],
                                    "Language": "C", "Description": "reads a file"})");
    RunResult added = home.ops({"pkg", "add", dir.string()});
    expect_exit(added, 0);
    EXPECT_TRUE(has_lines_in_order(added.out_lines(), {"greeter:1.2"})) << added.describe();

    RunResult loaded = home.ops({"pkg", "load", "greeter", "-l"});
    expect_exit(loaded, 0);
    EXPECT_TRUE(has_lines_in_order(loaded.out_lines(), {"hello from the sysroot"}))
        << loaded.describe();

    // The same package as a .tar.gz made by the host's tar, added under another name.
    std::string archive = home.work().path() + "/greeter.tar.gz";
    std::string command = "tar -C '" + home.work().path() + "' -czf '" + archive + "' greeter_1.2";
    ASSERT_EQ(std::system(command.c_str()), 0);
    RunResult from_tar = home.ops({"pkg", "add", archive, "--name", "packed:3.0"});
    expect_exit(from_tar, 0);
    EXPECT_TRUE(has_lines_in_order(from_tar.out_lines(), {"packed:3.0"})) << from_tar.describe();
    RunResult packed = home.ops({"pkg", "load", "packed:3.0", "-l"});
    expect_exit(packed, 0);
    EXPECT_TRUE(has_lines_in_order(packed.out_lines(), {"hello from the sysroot"}))
        << packed.describe();

    RunResult listed = home.ops({"pkg", "list", "--local", "-j"});
    expect_exit(listed, 0);
    EXPECT_NE(listed.out.find("\"name\": \"greeter\""), std::string::npos) << listed.describe();
    EXPECT_NE(listed.out.find("\"version\": \"1.2\""), std::string::npos) << listed.describe();
    EXPECT_NE(listed.out.find("\"name\": \"packed\""), std::string::npos) << listed.describe();
    EXPECT_NE(listed.out.find("\"description\": \"reads a file\""), std::string::npos);

    RunResult table = home.ops({"pkg", "list", "-l"});
    EXPECT_TRUE(has_lines_in_order(table.out_lines(), {"NAME     VERSION  LANGUAGE  DESCRIPTION"}))
        << table.describe();

    RunResult described = home.ops({"pkg", "describe", "greeter:1.2", "-l"});
    expect_exit(described, 0);
    EXPECT_TRUE(has_lines_in_order(described.out_lines(), {"Information for greeter:1.2 package:",
                                                           "# greeter_1.2", "A test package."}))
        << described.describe();

    RunResult contents = home.ops({"pkg", "contents", "greeter", "-l"});
    expect_exit(contents, 0);
    EXPECT_TRUE(
        has_lines_in_order(contents.out_lines(),
                           {"File :/README.md", "File :/package.manifest", "File :/prog",
                            "Dir :/sysroot", "Dir :/sysroot/etc", "File :/sysroot/etc/greeting"}))
        << contents.describe();

    expect_exit(home.ops({"pkg", "delete", "packed:3.0", "-l"}), 0);
    EXPECT_FALSE(fs::exists(home.local() / "packed_3.0"));
}

TEST(Pkg, BadInputIsOneClearLine) {
    PackageHome home;
    expect_one_line_error(home.ops({"pkg", "load", "nosuch:1.0", "-l"}),
                          "no local package named \"nosuch:1.0\"");
    expect_one_line_error(home.ops({"pkg", "describe", "nosuch"}), "offline");

    std::string corrupt = home.work().write_file("corrupt.tar.gz", "\x1f\x8b\x08 not really gzip");
    expect_one_line_error(home.ops({"pkg", "add", corrupt}), "corrupt gzip data");
    std::string text = home.work().write_file("text.tar.gz", "just text\n");
    expect_one_line_error(home.ops({"pkg", "add", text}), "is not a gzip file");

    fs::path bad = make_package(home, "bad_1.0", "hello-static",
                                "{\n  \"Program\": \"bad_1.0/prog\",\n  \"Env\": {\"A\": 1}\n}\n");
    expect_one_line_error(home.ops({"pkg", "add", bad.string()}),
                          "package.manifest:3:16: Env.A must be a string, not a number");
    EXPECT_FALSE(fs::exists(home.local() / "bad_1.0"));

    RunResult downloaded = home.ops({"pkg", "list"});
    expect_exit(downloaded, 0);
    EXPECT_NE(downloaded.out.find("offline"), std::string::npos) << downloaded.describe();
    std::vector<std::string> left;
    if (fs::exists(home.local()))
        for (const auto& entry : fs::directory_iterator(home.local()))
            left.push_back(entry.path().filename().string());
    EXPECT_TRUE(left.empty()) << left.front();
}

} // namespace
} // namespace vm
