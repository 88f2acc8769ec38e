// build_errors_test.cpp: bad input to build_image gives one clear ops::Error, writes no image,
// leaves no temporary file and does not touch an existing image of the same name.
#include "ops/image/build.h"

#include "ops/base/error.h"
#include "tests/unit/ops/image/image_test_support.h"

namespace ops {
namespace {

using image_test::read_text;
using image_test::ScratchDirectory;
using image_test::write_text;
namespace fs = std::filesystem;

class BuildErrorsTest : public testing::Test {
protected:
    void SetUp() override {
        if (!image_test::compile_c(m_dir / "hello", image_test::kHelloSource, "-static"))
            GTEST_SKIP() << "gcc -static is not available";
        write_text(m_dir / "kernel.elf", "not really a kernel");
        fs::create_directories(m_dir / "images");
        write_text(image(), "previous image");
        m_config.program = "./hello";
        m_config.local_files_parent_directory = m_dir.path();
    }

    fs::path image() const { return m_dir / "images" / "hello"; }

    // Builds and returns the error message; fails the test when no ops::Error is thrown.
    std::string build_error() {
        try {
            build_image(BuildRequest{m_config, image(), m_dir / "kernel.elf"});
        } catch (const Error& error) {
            EXPECT_EQ(error.exit_status(), kExitUsage);
            return error.message();
        }
        ADD_FAILURE() << "build_image succeeded";
        return {};
    }

    void expect_untouched() {
        EXPECT_EQ(read_text(image()), "previous image");
        EXPECT_EQ(image_test::list_directory(m_dir / "images"), std::vector<std::string>{"hello"});
    }

    // A copy of the static program with some header bytes replaced (offset -> bytes).
    void patched_program(const std::string& name,
                         const std::vector<std::pair<std::size_t, std::string>>& patches) {
        std::string elf = read_text(m_dir / "hello");
        for (const auto& [offset, bytes] : patches)
            elf.replace(offset, bytes.size(), bytes);
        write_text(m_dir / name, elf);
        m_config.program = "./" + name;
    }

    ScratchDirectory m_dir;
    Config m_config;
};

TEST_F(BuildErrorsTest, MissingProgram) {
    m_config.program = "./nope";
    EXPECT_EQ(build_error(), "the program ./nope does not exist: check the path (relative paths "
                             "start from the current directory)");
    expect_untouched();
}

TEST_F(BuildErrorsTest, UnreadableProgram) {
    if (::geteuid() == 0)
        GTEST_SKIP() << "root reads any file";
    fs::copy_file(m_dir / "hello", m_dir / "secret");
    fs::permissions(m_dir / "secret", fs::perms::none);
    m_config.program = "./secret";
    EXPECT_NE(build_error().find("cannot read the program ./secret: Permission denied"),
              std::string::npos);
    expect_untouched();
}

TEST_F(BuildErrorsTest, ProgramIsADirectory) {
    fs::create_directories(m_dir / "app");
    m_config.program = "./app";
    EXPECT_EQ(build_error(), "the program ./app is not a regular file: give the path of an ELF "
                             "executable");
    expect_untouched();
}

TEST_F(BuildErrorsTest, ScriptIsNotAnElf) {
    write_text(m_dir / "run.sh", "#!/bin/sh\necho hi\n");
    m_config.program = "./run.sh";
    EXPECT_EQ(build_error(), "the program ./run.sh cannot run: not an ELF file (bad magic): give a "
                             "compiled x86-64 Linux executable, not a script, source file or "
                             "archive");
    expect_untouched();
}

TEST_F(BuildErrorsTest, ThirtyTwoBitElf) {
    // EI_CLASS = ELFCLASS32, e_machine = EM_386 (offset 18, the same in both classes).
    patched_program("hello32", {{4, "\x01"}, {18, std::string("\x03\x00", 2)}});
    std::string message = build_error();
    EXPECT_NE(message.find("the program ./hello32 cannot run: 32-bit ELF"), std::string::npos)
        << message;
    EXPECT_NE(message.find("i386"), std::string::npos) << message;
    EXPECT_NE(message.find("gcc -m64"), std::string::npos) << message;
    expect_untouched();
}

TEST_F(BuildErrorsTest, OtherMachine) {
    patched_program("hello-arm", {{18, std::string("\xb7\x00", 2)}}); // EM_AARCH64 = 183
    EXPECT_EQ(build_error(), "the program ./hello-arm cannot run: not an x86-64 ELF: machine is "
                             "aarch64 (e_machine 183): rebuild it for x86-64 Linux (or use a "
                             "cross-compiler that targets x86_64-linux)");
    expect_untouched();
}

TEST_F(BuildErrorsTest, DynamicProgramWithMissingLibrary) {
    // Dynamic programs are built now; one whose library is gone is refused with all names.
    image_test::write_text(m_dir / "lib.c", "int answer(void) { return 42; }\n");
    std::string lib = (m_dir / "libgone.so.1").string();
    ASSERT_EQ(std::system(("gcc -shared -fPIC -Wl,-soname,libgone.so.1 -o '" + lib + "' '" +
                           (m_dir / "lib.c").string() + "' >/dev/null 2>&1")
                              .c_str()),
              0);
    ASSERT_TRUE(image_test::compile_c(m_dir / "dynamic", image_test::kHelloSource,
                                      "-Wl,--no-as-needed '" + lib + "'"));
    fs::remove(lib);
    m_config.program = "./dynamic";
    EXPECT_EQ(build_error(), "missing libraries: libgone.so.1 (needed by /dynamic): install them, "
                             "add their directory to LD_LIBRARY_PATH in Env, or set TargetRoot");
    expect_untouched();
}

TEST_F(BuildErrorsTest, MissingFilesEntry) {
    m_config.files = {"conf/app.toml"};
    EXPECT_EQ(build_error(), "the entry \"conf/app.toml\" in Files does not exist (looked for " +
                                 (m_dir / "conf/app.toml").string() +
                                 "): fix the path in Files; relative paths start from " +
                                 m_dir.path().string());
    expect_untouched();
}

TEST_F(BuildErrorsTest, MissingDirsEntry) {
    m_config.dirs = {"static"};
    std::string message = build_error();
    EXPECT_NE(message.find("the entry \"static\" in Dirs does not exist"), std::string::npos)
        << message;
    expect_untouched();
}

TEST_F(BuildErrorsTest, DirsEntryThatIsAFile) {
    write_text(m_dir / "static", "a file");
    m_config.dirs = {"static"};
    EXPECT_NE(build_error().find("in Dirs is not a directory"), std::string::npos);
    expect_untouched();
}

TEST_F(BuildErrorsTest, MissingMapDirsSource) {
    m_config.map_dirs = {{"certs/*.pem", "/etc/ssl/certs"}};
    EXPECT_NE(build_error().find("the directory of the MapDirs pattern \"certs/*.pem\" does not "
                                 "exist"),
              std::string::npos);
    expect_untouched();
}

TEST_F(BuildErrorsTest, MountAtTheRootIsRefused) {
    m_config.mounts = {{"data", "/"}};
    EXPECT_EQ(build_error(), "volume data cannot be mounted at / (the root filesystem): mount it "
                             "at a directory such as /data");
    expect_untouched();
}

TEST_F(BuildErrorsTest, RelativeMountPathIsRefused) {
    m_config.mounts = {{"data", "data:ro"}};
    EXPECT_NE(build_error().find("the mount path \"data:ro\" of volume data is not absolute"),
              std::string::npos);
    expect_untouched();
}

TEST_F(BuildErrorsTest, PassthroughCannotReplaceTheFileTree) {
    ManifestValue value;
    value.string = "x";
    m_config.manifest_passthrough = {{"children", value}};
    EXPECT_NE(build_error().find("ManifestPassthrough cannot set \"children\""), std::string::npos);
    expect_untouched();
}

TEST_F(BuildErrorsTest, KernelTooLargeForTheBootFileSystem) {
    fs::resize_file(m_dir / "kernel.elf", 12 << 20);
    EXPECT_NE(build_error().find("does not fit in the 12 MiB boot file system"), std::string::npos);
    expect_untouched();
}

} // namespace
} // namespace ops
