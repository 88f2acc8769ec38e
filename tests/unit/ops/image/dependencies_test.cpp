// dependencies_test.cpp: the DT_NEEDED walk. On this host: /bin/ls and python3 resolve to their
// interpreter and libc with symlinks kept. In a fake sysroot built from tiny gcc -nostdlib
// libraries: $ORIGIN, RPATH against RUNPATH and LD_LIBRARY_PATH, RPATH inherited from the
// loader, wrong-architecture candidates skipped, cycles, ld.so.conf, the glibc runtime files and
// the one error that lists every missing library.
#include "ops/image/dependencies.h"

#include "ops/base/error.h"
#include "tests/unit/ops/image/image_test_support.h"

#include <algorithm>

namespace ops {
namespace {

using image_test::ScratchDirectory;
using image_test::write_text;
namespace fs = std::filesystem;

const ImageEntry* find_entry(const Dependencies& result, const std::string& image) {
    for (const ImageEntry& entry : result.entries)
        if (entry.image_path == image)
            return &entry;
    return nullptr;
}

std::vector<std::string> image_paths(const Dependencies& result) {
    std::vector<std::string> paths;
    for (const ImageEntry& entry : result.entries)
        paths.push_back(entry.image_path);
    return paths;
}

void expect_unique_paths(const Dependencies& result) {
    std::vector<std::string> paths = image_paths(result);
    std::sort(paths.begin(), paths.end());
    EXPECT_EQ(std::adjacent_find(paths.begin(), paths.end()), paths.end());
}

// ---- This host's programs ----------------------------------------------------------------------

// Checks that `image` is in the result as the host has it: a link with the same target (whose
// final file is also in the result) or a regular file.
void expect_as_on_host(const Dependencies& result, const std::string& image) {
    const ImageEntry* entry = find_entry(result, image);
    ASSERT_NE(entry, nullptr) << image;
    if (fs::is_symlink(image)) {
        EXPECT_TRUE(entry->is_symlink()) << image;
        EXPECT_EQ(entry->link_target, fs::read_symlink(image).string());
        fs::path final_file = fs::canonical(image);
        bool shipped = std::any_of(result.entries.begin(), result.entries.end(), [&](auto& e) {
            return !e.is_symlink() && fs::equivalent(e.host_path, final_file);
        });
        EXPECT_TRUE(shipped) << "the file behind " << image << " is missing";
    } else {
        EXPECT_FALSE(entry->is_symlink()) << image;
        EXPECT_TRUE(fs::equivalent(entry->host_path, image)) << image;
    }
}

void check_host_program(const std::string& program) {
    if (!fs::exists(program))
        GTEST_SKIP() << program << " is not on this host";
    Dependencies result = resolve_dependencies(DependencyRequest{program, program, Sysroot(), {}});
    ASSERT_FALSE(result.entries.empty()) << program << " should be dynamically linked";
    EXPECT_TRUE(result.glibc);
    expect_unique_paths(result);
    expect_as_on_host(result, "/lib64/ld-linux-x86-64.so.2");
    bool has_libc = std::any_of(result.entries.begin(), result.entries.end(), [](auto& e) {
        return fs::path(e.image_path).filename() == "libc.so.6";
    });
    EXPECT_TRUE(has_libc);
    if (fs::exists("/lib/x86_64-linux-gnu/libc.so.6"))
        expect_as_on_host(result, "/lib/x86_64-linux-gnu/libc.so.6");
    if (fs::exists("/lib/x86_64-linux-gnu/libnss_dns.so.2"))
        expect_as_on_host(result, "/lib/x86_64-linux-gnu/libnss_dns.so.2");
    if (fs::exists(kCaCertificates))
        EXPECT_NE(find_entry(result, kCaCertificates), nullptr);
    for (const ImageEntry& entry : result.entries)
        EXPECT_NE(entry.image_path, program) << "the program itself is the caller's";
}

TEST(HostDependencies, BinLs) { check_host_program("/bin/ls"); }

TEST(HostDependencies, Python3) { check_host_program("/usr/bin/python3"); }

TEST(HostDependencies, StaticProgramHasNone) {
    ScratchDirectory dir;
    if (!image_test::compile_c(dir / "hello", image_test::kHelloSource, "-static"))
        GTEST_SKIP() << "gcc -static is not available";
    Dependencies result =
        resolve_dependencies(DependencyRequest{dir / "hello", "/hello", Sysroot(), {}});
    EXPECT_TRUE(result.entries.empty());
    EXPECT_FALSE(result.glibc);
}

// ---- A fake sysroot ----------------------------------------------------------------------------

// The interpreter every fake program names.
constexpr const char* kFakeInterpreter = "/lib64/ld-fake.so.2";

class FakeSysrootTest : public testing::Test {
protected:
    void SetUp() override {
        write_text(m_dir / "src/lib.c", "int marker(void) { return 1; }\n");
        write_text(m_dir / "src/main.c", "void _start(void) { for (;;) {} }\n");
        if (!gcc("-shared -fPIC -nostdlib -o '" + (m_dir / "probe.so").string() + "' '" +
                 (m_dir / "src/lib.c").string() + "'"))
            GTEST_SKIP() << "gcc cannot build shared libraries";
    }

    fs::path root() const { return m_dir / "root"; }
    fs::path in_root(const std::string& image) const {
        return root() / fs::path(image).relative_path();
    }

    static bool gcc(const std::string& arguments) {
        std::string command = "gcc " + arguments + " >/dev/null 2>&1";
        return std::system(command.c_str()) == 0;
    }

    // Linker flags that make `needed` DT_NEEDED entries, from stub libraries built on the side
    // (only their SONAME matters).
    std::string needed_flags(const std::vector<std::string>& needed) {
        std::string flags = " -Wl,--no-as-needed";
        for (const std::string& name : needed) {
            fs::path stub = m_dir / "stubs" / name;
            if (!fs::exists(stub)) {
                fs::create_directories(stub.parent_path());
                EXPECT_TRUE(gcc("-shared -fPIC -nostdlib -Wl,-soname," + name + " -o '" +
                                stub.string() + "' '" + (m_dir / "src/lib.c").string() + "'"));
            }
            flags += " '" + stub.string() + "'";
        }
        return flags;
    }

    // A shared library at `host` with SONAME `soname`, needing `needed`; `extra` adds linker
    // flags (RPATH, RUNPATH).
    void library(const fs::path& host, const std::string& soname,
                 const std::vector<std::string>& needed = {}, const std::string& extra = "") {
        fs::create_directories(host.parent_path());
        ASSERT_TRUE(gcc("-shared -fPIC -nostdlib -Wl,-soname," + soname + " " + extra + " -o '" +
                        host.string() + "' '" + (m_dir / "src/lib.c").string() + "'" +
                        needed_flags(needed)));
    }

    // The fake interpreter inside the root: /lib64/ld-fake.so.2 -> /lib/ld-fake-1.0.so.
    void interpreter() {
        library(in_root("/lib/ld-fake-1.0.so"), "ld-fake.so.2");
        fs::create_directories(in_root("/lib64"));
        fs::create_symlink("/lib/ld-fake-1.0.so", in_root(kFakeInterpreter));
    }

    // A dynamic program at `host` using kFakeInterpreter.
    void program(const fs::path& host, const std::vector<std::string>& needed,
                 const std::string& extra = "") {
        fs::create_directories(host.parent_path());
        ASSERT_TRUE(gcc("-nostdlib -fPIE -pie -Wl,--dynamic-linker=" + std::string(kFakeInterpreter) +
                        " " + extra + " -o '" + host.string() + "' '" +
                        (m_dir / "src/main.c").string() + "'" + needed_flags(needed)));
    }

    Dependencies resolve(const fs::path& program_host, const std::string& program_image,
                         std::map<std::string, std::string> env = {}) {
        return resolve_dependencies(
            DependencyRequest{program_host, program_image, Sysroot(root()), std::move(env)});
    }

    // The error message of a failing resolve, or "" (and a test failure) when it succeeds.
    std::string resolve_error(const fs::path& program_host, const std::string& program_image) {
        try {
            resolve(program_host, program_image);
        } catch (const Error& error) {
            return error.message();
        }
        ADD_FAILURE() << "resolve succeeded";
        return {};
    }

    ScratchDirectory m_dir;
};

TEST_F(FakeSysrootTest, InterpreterAndLibrariesWithLinksKept) {
    // Merged /usr with an absolute link /lib -> /usr/lib: looked up on the host as is, it would
    // leave the root. (So nothing here is written through /lib.)
    library(in_root("/usr/lib/ld-fake-1.0.so"), "ld-fake.so.2");
    fs::create_directories(in_root("/lib64"));
    fs::create_symlink("/lib/ld-fake-1.0.so", in_root(kFakeInterpreter));
    library(in_root("/usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3"), "libfoo.so.1", {"libbar.so.2"});
    fs::create_symlink("libfoo.so.1.2.3", in_root("/usr/lib/x86_64-linux-gnu/libfoo.so.1"));
    library(in_root("/usr/lib/libbar.so.2"), "libbar.so.2", {"ld-fake.so.2"});
    fs::create_directory_symlink("/usr/lib", in_root("/lib"));
    program(m_dir / "app/bin/x", {"libfoo.so.1"});

    Dependencies result = resolve(m_dir / "app/bin/x", "/app/bin/x");
    std::vector<ImageEntry> expected = {
        {kFakeInterpreter, in_root(kFakeInterpreter), "/lib/ld-fake-1.0.so"},
        {"/lib/ld-fake-1.0.so", in_root("/usr/lib/ld-fake-1.0.so"), ""},
        // Found in /lib/x86_64-linux-gnu, the first default directory: that is where the guest's
        // ld.so looks first too.
        {"/lib/x86_64-linux-gnu/libfoo.so.1", in_root("/usr/lib/x86_64-linux-gnu/libfoo.so.1"),
         "libfoo.so.1.2.3"},
        {"/lib/x86_64-linux-gnu/libfoo.so.1.2.3",
         in_root("/usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3"), ""},
        // libbar is in /lib (= /usr/lib), found before /usr/lib; it needs the interpreter by
        // its SONAME, which matches the loaded interpreter.
        {"/lib/libbar.so.2", in_root("/usr/lib/libbar.so.2"), ""},
    };
    EXPECT_EQ(result.entries, expected);
    EXPECT_FALSE(result.glibc);
}

TEST_F(FakeSysrootTest, OriginRunpathOfProgramAndLibrary) {
    interpreter();
    // The program's $ORIGIN is next to it on the host; a library's is its directory in the root.
    library(m_dir / "app/lib/libfoo.so.1", "libfoo.so.1");
    library(in_root("/opt/x/lib/libbar.so"), "libbar.so", {"libbaz.so"},
            "-Wl,--enable-new-dtags,-rpath,'${ORIGIN}/private'");
    library(in_root("/opt/x/lib/private/libbaz.so"), "libbaz.so");
    program(m_dir / "app/bin/x", {"libfoo.so.1", "libbar.so"},
            "-Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib:/opt/x/lib'");
    Dependencies result = resolve(m_dir / "app/bin/x", "/app/bin/x");
    const ImageEntry* foo = find_entry(result, "/app/lib/libfoo.so.1");
    ASSERT_NE(foo, nullptr);
    EXPECT_EQ(foo->host_path, m_dir / "app/lib/libfoo.so.1");
    EXPECT_NE(find_entry(result, "/opt/x/lib/libbar.so"), nullptr);
    const ImageEntry* baz = find_entry(result, "/opt/x/lib/private/libbaz.so");
    ASSERT_NE(baz, nullptr);
    EXPECT_EQ(baz->host_path, in_root("/opt/x/lib/private/libbaz.so"));
}

TEST_F(FakeSysrootTest, RpathComesBeforeLdLibraryPathAndRunpathAfter) {
    interpreter();
    library(in_root("/rpath/libq.so"), "libq.so");
    library(in_root("/ldpath/libq.so"), "libq.so");
    program(m_dir / "rpath-app", {"libq.so"}, "-Wl,--disable-new-dtags,-rpath,/rpath");
    program(m_dir / "runpath-app", {"libq.so"}, "-Wl,--enable-new-dtags,-rpath,/rpath");
    std::map<std::string, std::string> env = {{"LD_LIBRARY_PATH", "/ldpath"}};

    Dependencies with_rpath = resolve(m_dir / "rpath-app", "/rpath-app", env);
    EXPECT_NE(find_entry(with_rpath, "/rpath/libq.so"), nullptr);
    EXPECT_EQ(find_entry(with_rpath, "/ldpath/libq.so"), nullptr);

    Dependencies with_runpath = resolve(m_dir / "runpath-app", "/runpath-app", env);
    EXPECT_NE(find_entry(with_runpath, "/ldpath/libq.so"), nullptr);
    EXPECT_EQ(find_entry(with_runpath, "/rpath/libq.so"), nullptr);

    // Without LD_LIBRARY_PATH, RUNPATH is used.
    Dependencies runpath_only = resolve(m_dir / "runpath-app", "/runpath-app");
    EXPECT_NE(find_entry(runpath_only, "/rpath/libq.so"), nullptr);
}

TEST_F(FakeSysrootTest, RpathIsInheritedButNotThroughRunpath) {
    interpreter();
    library(in_root("/rpath/libq.so"), "libq.so");
    library(in_root("/usr/lib/libplain.so"), "libplain.so", {"libq.so"});
    program(m_dir / "app", {"libplain.so"}, "-Wl,--disable-new-dtags,-rpath,/rpath");
    // libplain has no paths of its own: the program's RPATH finds libq for it.
    Dependencies result = resolve(m_dir / "app", "/app");
    EXPECT_NE(find_entry(result, "/rpath/libq.so"), nullptr);

    // A library with a RUNPATH does not search its loader's RPATH.
    library(in_root("/usr/lib/librun.so"), "librun.so", {"libq2.so"},
            "-Wl,--enable-new-dtags,-rpath,/nowhere");
    library(in_root("/rpath/libq2.so"), "libq2.so");
    program(m_dir / "app2", {"librun.so"}, "-Wl,--disable-new-dtags,-rpath,/rpath");
    EXPECT_EQ(resolve_error(m_dir / "app2", "/app2"),
              "missing libraries in TargetRoot " + root().string() +
                  ": libq2.so (needed by /usr/lib/librun.so): install them there, or add their "
                  "directory to LD_LIBRARY_PATH in Env");
}

TEST_F(FakeSysrootTest, WrongArchitectureAndNonElfCandidatesAreSkipped) {
    interpreter();
    // A 32-bit ELF header, as an i386 library of the same name would start.
    std::string elf32(64, '\0');
    elf32.replace(0, 7, std::string("\x7f" "ELF\x01\x01\x01", 7));
    write_text(in_root("/first/libw.so"), elf32);
    write_text(in_root("/second/libw.so"), "/* GNU ld script */ GROUP ( libw.so.1 )\n");
    library(in_root("/third/libw.so"), "libw.so");
    program(m_dir / "app", {"libw.so"});
    Dependencies result =
        resolve(m_dir / "app", "/app", {{"LD_LIBRARY_PATH", "/first:/second;/third"}});
    EXPECT_EQ(find_entry(result, "/first/libw.so"), nullptr);
    EXPECT_EQ(find_entry(result, "/second/libw.so"), nullptr);
    EXPECT_NE(find_entry(result, "/third/libw.so"), nullptr);
}

TEST_F(FakeSysrootTest, CyclesEndAndEachLibraryComesOnce) {
    interpreter();
    library(in_root("/usr/lib/liba.so"), "liba.so", {"libb.so"});
    library(in_root("/usr/lib/libb.so"), "libb.so", {"liba.so", "libc.so"});
    library(in_root("/usr/lib/libc.so"), "libc.so", {"liba.so", "libb.so"});
    program(m_dir / "app", {"liba.so", "libb.so", "libc.so"});
    Dependencies result = resolve(m_dir / "app", "/app");
    std::vector<std::string> expected = {kFakeInterpreter, "/lib/ld-fake-1.0.so",
                                         "/usr/lib/liba.so", "/usr/lib/libb.so",
                                         "/usr/lib/libc.so"};
    EXPECT_EQ(image_paths(result), expected);
}

TEST_F(FakeSysrootTest, MissingLibrariesAreListedTogether) {
    library(in_root("/usr/lib/libfoo.so.2"), "libfoo.so.2", {"libbar.so"});
    program(m_dir / "app/bin/x", {"libfoo.so.1", "libfoo.so.2", "libmissing.so"});
    // libfoo.so.1 is missing; libfoo.so.2 is there but needs the missing libbar.so; and the
    // interpreter was never installed.
    EXPECT_EQ(resolve_error(m_dir / "app/bin/x", "/app/bin/x"),
              "missing libraries in TargetRoot " + root().string() +
                  ": /lib64/ld-fake.so.2 (interpreter of /app/bin/x), libfoo.so.1 (needed by "
                  "/app/bin/x), libmissing.so (needed by /app/bin/x), libbar.so (needed by "
                  "/usr/lib/libfoo.so.2): install them there, or add their directory to "
                  "LD_LIBRARY_PATH in Env");
}

TEST_F(FakeSysrootTest, MissingOnTheHostSuggestsTargetRoot) {
    if (!fs::exists("/lib64/ld-linux-x86-64.so.2"))
        GTEST_SKIP() << "no x86-64 glibc interpreter on this host";
    fs::path program_host = m_dir / "x";
    ASSERT_TRUE(gcc("-nostdlib -fPIE -pie -o '" + program_host.string() + "' '" +
                    (m_dir / "src/main.c").string() + "'" +
                    needed_flags({"libops-test-not-installed.so.9"})));
    try {
        resolve_dependencies(DependencyRequest{program_host, "/x", Sysroot(), {}});
        ADD_FAILURE() << "resolve succeeded";
    } catch (const Error& error) {
        EXPECT_EQ(error.message(),
                  "missing libraries: libops-test-not-installed.so.9 (needed by /x): install "
                  "them, add their directory to LD_LIBRARY_PATH in Env, or set TargetRoot");
    }
}

TEST_F(FakeSysrootTest, LdSoConfDirectoriesBringTheCache) {
    interpreter();
    write_text(in_root("/etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n");
    write_text(in_root("/etc/ld.so.conf.d/vendor.conf"), "/opt/vendor/lib\n");
    write_text(in_root(kLdSoCache), "ld.so-1.7.0");
    library(in_root("/opt/vendor/lib/libv.so"), "libv.so");
    program(m_dir / "app", {"libv.so"});
    Dependencies result = resolve(m_dir / "app", "/app");
    EXPECT_NE(find_entry(result, "/opt/vendor/lib/libv.so"), nullptr);
    // The guest's ld.so finds /opt/vendor/lib only through its cache.
    EXPECT_NE(find_entry(result, kLdSoCache), nullptr);

    // Found in a default directory, the cache is not needed.
    library(in_root("/usr/lib/libd.so"), "libd.so");
    program(m_dir / "app2", {"libd.so"});
    EXPECT_EQ(find_entry(resolve(m_dir / "app2", "/app2"), kLdSoCache), nullptr);
}

TEST_F(FakeSysrootTest, GlibcProgramsGetNssLibrariesAndCertificates) {
    interpreter();
    library(in_root("/lib/x86_64-linux-gnu/libc.so.6"), "libc.so.6", {"ld-fake.so.2"});
    library(in_root("/lib/x86_64-linux-gnu/libnss_files.so.2"), "libnss_files.so.2",
            {"libc.so.6", "libnss-helper.so"});
    library(in_root("/usr/lib/libnss-helper.so"), "libnss-helper.so");
    write_text(in_root(kCaCertificates), "-----BEGIN CERTIFICATE-----\n");
    program(m_dir / "app", {"libc.so.6"});
    Dependencies result = resolve(m_dir / "app", "/app");
    EXPECT_TRUE(result.glibc);
    std::vector<std::string> expected = {
        kFakeInterpreter,
        "/lib/ld-fake-1.0.so",
        "/lib/x86_64-linux-gnu/libc.so.6",
        "/lib/x86_64-linux-gnu/libnss_files.so.2", // libnss_dns.so.2 is not in this root
        "/usr/lib/libnss-helper.so",
        kCaCertificates,
    };
    EXPECT_EQ(image_paths(result), expected);
}

TEST_F(FakeSysrootTest, DamagedLibraryIsNamed) {
    interpreter();
    library(in_root("/usr/lib/libok.so"), "libok.so");
    std::string bytes = image_test::read_text(in_root("/usr/lib/libok.so"));
    bytes[54] = 0x20; // e_phentsize: not 56
    write_text(in_root("/usr/lib/libbad.so"), bytes);
    program(m_dir / "app", {"libbad.so"});
    std::string message = resolve_error(m_dir / "app", "/app");
    EXPECT_EQ(message.rfind("the library /usr/lib/libbad.so (" +
                                in_root("/usr/lib/libbad.so").string() +
                                ", needed by /app) cannot be loaded: ",
                            0),
              0u)
        << message;
}

} // namespace
} // namespace ops
