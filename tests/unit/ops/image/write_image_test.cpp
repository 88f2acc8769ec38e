// write_image_test.cpp: ops/image end to end: build_image on a real static program, then read the
// image back as the kernel would (MBR, root FS manifest and files, boot FS /kernel); size rules,
// sparseness, reproducibility and build time.
#include "ops/image/build.h"
#include "ops/image/image_tree.h"
#include "ops/image/sysroot.h"
#include "ops/image/write_image.h"

#include "common/manifest/manifest.h"
#include "common/tfs/format.h"
#include "common/tfs/writer.h"
#include "ops/base/error.h"
#include "tests/unit/ops/image/image_test_support.h"

#include <chrono>
#include <sys/stat.h>

namespace ops {
namespace {

using image_test::ImageReader;
using image_test::read_text;
using image_test::ScratchDirectory;
using image_test::write_text;
namespace fs = std::filesystem;

constexpr std::uint64_t kMiB = 1 << 20;

// A scratch directory with a static hello program and a fake kernel, and a Config that refers
// to the program as "./hello" relative to the directory (like `ops build ./hello` run there).
class WriteImageTest : public testing::Test {
protected:
    void SetUp() override {
        if (!image_test::compile_c(m_dir / "hello", image_test::kHelloSource, "-static"))
            GTEST_SKIP() << "gcc -static is not available";
        // Any bytes do as a kernel here; the image builder does not look inside it.
        std::string kernel(300 * 1024 + 17, '\0');
        for (std::size_t i = 0; i < kernel.size(); i++)
            kernel[i] = static_cast<char>(i * 7 + 3);
        write_text(m_dir / "kernel.elf", kernel);
        m_config.program = "./hello";
        m_config.local_files_parent_directory = m_dir.path();
        m_options.uuid =
            std::array<std::uint8_t, 16>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    }

    BuildRequest request(const std::string& image_name = "hello") {
        fs::create_directories(m_dir / "images");
        return BuildRequest{m_config, m_dir / "images" / image_name, m_dir / "kernel.elf"};
    }

    ScratchDirectory m_dir;
    Config m_config;
    ImageOptions m_options;
};

TEST_F(WriteImageTest, LayoutIsOpsStyleWithoutStage2) {
    BuildResult result = build_image(request(), m_options);
    EXPECT_EQ(result.image, m_dir / "images" / "hello");
    EXPECT_EQ(result.size_bytes, fs::file_size(result.image));

    ImageReader image(result.image);
    const disk::BootDisk& boot_disk = image.boot_disk();
    EXPECT_FALSE(boot_disk.has_esp);
    EXPECT_EQ(boot_disk.klog_offset, 512u);
    EXPECT_EQ(boot_disk.boot_fs.first_lba, 9u);
    EXPECT_EQ(boot_disk.boot_fs.byte_size(), disk::kBootFsBytes);
    EXPECT_EQ(boot_disk.root_fs.first_lba, 9u + 24576u);
    EXPECT_EQ(boot_disk.root_fs_offset, 12587520u);
    EXPECT_EQ(boot_disk.root_fs.byte_size(), boot_disk.root_fs_bytes);
    EXPECT_EQ(boot_disk.root_fs_offset + boot_disk.root_fs_bytes, result.size_bytes);
    // Default size: a whole number of 512 KiB units with at least 1 MiB free (tfs.md 6.8, 7.4).
    EXPECT_EQ(boot_disk.root_fs_bytes % (512 * 1024), 0u);
    std::uint64_t program_bytes = fs::file_size(m_dir / "hello");
    EXPECT_GE(boot_disk.root_fs_bytes, tfs::kFirstDataSector * 512 + program_bytes + kMiB);
    std::printf("[ image ] program %llu bytes -> image %llu bytes, root FS %llu bytes at %llu\n",
                static_cast<unsigned long long>(program_bytes),
                static_cast<unsigned long long>(result.size_bytes),
                static_cast<unsigned long long>(boot_disk.root_fs_bytes),
                static_cast<unsigned long long>(boot_disk.root_fs_offset));

    // Sector 0 holds nothing but the partition table and the signature.
    std::string bytes = read_text(result.image).substr(0, 512);
    EXPECT_EQ(bytes.substr(0, 0x1be), std::string(0x1be, '\0'));
    EXPECT_EQ(bytes.substr(510), "\x55\xaa");
    EXPECT_EQ(image.boot_fs().label().size(), 0u);
    EXPECT_EQ(image.root_fs().label().size(), 0u);
}

TEST_F(WriteImageTest, ProgramAndKernelBytesAreShipped) {
    BuildResult result = build_image(request(), m_options);
    ImageReader image(result.image);
    EXPECT_EQ(ImageReader::file(image.root_fs(), "/hello"), read_text(m_dir / "hello"));
    EXPECT_EQ(ImageReader::file(image.boot_fs(), "/kernel"), read_text(m_dir / "kernel.elf"));
    const tfs::Value* boot_children = tfs::directory_entries(image.boot_fs().root());
    ASSERT_NE(boot_children, nullptr);
    EXPECT_EQ(boot_children->entry_count(), 1u);
}

TEST_F(WriteImageTest, ManifestKeys) {
    m_config.args = {"one", "two words"};
    m_config.env = {{"FOO", "bar"}, {"USER", "alice"}};
    m_config.debug_flags = {"trace", "noaslr"};
    m_config.reboot_on_exit = true;
    m_config.no_trace = {"read", "write"};
    ManifestValue cwd;
    cwd.string = "/srv";
    ManifestValue mode;
    mode.string = "fast";
    ManifestValue tuple;
    tuple.kind = ManifestValue::Kind::Tuple;
    tuple.tuple = {{"mode", mode}};
    ManifestValue trace_override;
    trace_override.string = "all";
    m_config.manifest_passthrough = {{"cwd", cwd}, {"custom", tuple}, {"trace", trace_override}};
    BuildResult result = build_image(request("my-image"), m_options);
    ImageReader image(result.image);
    nlohmann::json manifest = image.manifest_json();

    EXPECT_EQ(manifest["program"], "/hello");
    EXPECT_EQ(manifest["arguments"], nlohmann::json::array({"./hello", "one", "two words"}));
    nlohmann::json environment = manifest["environment"];
    EXPECT_EQ(environment["USER"], "alice"); // the user's Env wins over ops's own
    EXPECT_EQ(environment["PWD"], "/");
    EXPECT_EQ(environment["FOO"], "bar");
    EXPECT_EQ(environment["OPS_VERSION"], OPS_VERSION);
    EXPECT_EQ(environment["IMAGE_NAME"], "my-image");
    EXPECT_FALSE(environment.contains("NANOS_VERSION"));
    EXPECT_EQ(manifest["noaslr"], "t");
    EXPECT_EQ(manifest["reboot_on_exit"], "t");
    EXPECT_EQ(manifest["trace"], "all"); // passthrough is applied last
    EXPECT_EQ(manifest["notrace"], nlohmann::json::array({"read", "write"}));
    EXPECT_EQ(manifest["cwd"], "/srv");
    EXPECT_EQ(manifest["custom"]["mode"], "fast");

    // The kernel-side accessors read the same thing.
    common::Bytes program;
    ASSERT_EQ(manifest::program(image.manifest(), &program), manifest::Error::none);
    EXPECT_EQ(tfs_test::str(program), "/hello");
    common::Bytes argv[8];
    std::size_t count = 0;
    ASSERT_EQ(manifest::arguments(image.manifest(), common::Span<common::Bytes>(argv, 8), &count),
              manifest::Error::none);
    EXPECT_EQ(count, 3u);
}

TEST_F(WriteImageTest, AbsoluteProgramPathKeepsItsDirectories) {
    m_config.program = (m_dir / "hello").string();
    BuildResult result = build_image(request(), m_options);
    ImageReader image(result.image);
    std::string in_image = image_path(m_config.program);
    EXPECT_EQ(image.manifest_json()["program"], in_image);
    EXPECT_EQ(image.manifest_json()["arguments"][0], m_config.program);
    EXPECT_EQ(ImageReader::file(image.root_fs(), in_image), read_text(m_dir / "hello"));
}

TEST_F(WriteImageTest, GeneratedFiles) {
    m_config.name_servers = {"1.1.1.1", "9.9.9.9"};
    BuildResult result = build_image(request(), m_options);
    ImageReader image(result.image);
    EXPECT_EQ(ImageReader::file(image.root_fs(), "/etc/resolv.conf"),
              "nameserver  1.1.1.1\nnameserver  9.9.9.9\n");
    EXPECT_EQ(ImageReader::file(image.root_fs(), "/etc/passwd"),
              "root:x:0:0:root:/root:/bin/nobash");
    EXPECT_EQ(ImageReader::file(image.root_fs(), "/proc/sys/kernel/hostname"), "uniboot");

    m_config.name_servers.clear();
    ImageReader defaults(build_image(request(), m_options).image);
    EXPECT_EQ(ImageReader::file(defaults.root_fs(), "/etc/resolv.conf"), "nameserver  8.8.8.8\n");
}

TEST_F(WriteImageTest, DynamicProgramShipsInterpreterLibrariesAndRuntimeFiles) {
    if (!image_test::compile_c(m_dir / "dynamic", image_test::kHelloSource, ""))
        GTEST_SKIP() << "gcc is not available";
    const std::string interpreter = "/lib64/ld-linux-x86-64.so.2";
    const std::string libc = "/lib/x86_64-linux-gnu/libc.so.6";
    if (!fs::exists(interpreter) || !fs::exists(libc))
        GTEST_SKIP() << "not a Debian-style x86-64 glibc host";
    m_config.program = "./dynamic";
    ImageReader reader(build_image(request(), m_options).image);
    const tfs::Filesystem& root = reader.root_fs();
    EXPECT_EQ(ImageReader::file(root, "/dynamic"), read_text(m_dir / "dynamic"));
    // A symlink stays one (its target is shipped too), as on the host.
    std::string interpreter_file = interpreter;
    if (fs::is_symlink(interpreter)) {
        std::string target = fs::read_symlink(interpreter).string();
        EXPECT_EQ(ImageReader::link_target(root, interpreter), target);
        interpreter_file = join_image_path("/lib64", target);
    }
    EXPECT_EQ(ImageReader::file(root, interpreter_file), read_text(interpreter));
    EXPECT_EQ(ImageReader::file(root, libc), read_text(libc));
    EXPECT_EQ(ImageReader::file(root, "/etc/hostname"), "uniboot");
    EXPECT_EQ(ImageReader::file(root, "/etc/passwd"), "root:x:0:0:root:/root:/bin/nobash");
    if (fs::exists("/etc/ssl/certs/ca-certificates.crt"))
        EXPECT_NE(ImageReader::find(root, "/etc/ssl/certs/ca-certificates.crt"), nullptr);
}

TEST_F(WriteImageTest, StaticProgramGetsNoHostnameFile) {
    ImageReader reader(build_image(request(), m_options).image);
    EXPECT_EQ(ImageReader::find(reader.root_fs(), "/etc/hostname"), nullptr);
    EXPECT_EQ(ImageReader::find(reader.root_fs(), "/lib64"), nullptr);
}

TEST_F(WriteImageTest, FilesAndDirsAreShippedWithSymlinksKept) {
    write_text(m_dir / "data" / "config.txt", "key=value\n");
    fs::create_symlink("config.txt", m_dir / "data" / "config.link");
    write_text(m_dir / "site" / "index.html", "<p>hi</p>");
    write_text(m_dir / "site" / "css" / "main.css", "p{}");
    fs::create_directories(m_dir / "site" / "empty");
    fs::create_symlink("../index.html", m_dir / "site" / "css" / "up.html");
    fs::create_symlink("/nowhere", m_dir / "site" / "dangling");
    write_text(m_dir / "absolute.txt", "absolute");
    // An entry that replaces a generated file, as a package's /etc/passwd does.
    write_text(m_dir / "etc" / "passwd", "app:x:1:1::/:/bin/false\n");
    m_config.files = {"data/config.txt", "data/config.link", (m_dir / "absolute.txt").string(),
                      "etc/passwd"};
    m_config.dirs = {"site"};

    BuildResult result = build_image(request(), m_options);
    ImageReader image(result.image);
    const tfs::Filesystem& root = image.root_fs();
    EXPECT_EQ(ImageReader::file(root, "/data/config.txt"), "key=value\n");
    EXPECT_EQ(ImageReader::link_target(root, "/data/config.link"), "config.txt");
    EXPECT_EQ(ImageReader::file(root, image_path((m_dir / "absolute.txt").string())), "absolute");
    EXPECT_EQ(ImageReader::file(root, "/etc/passwd"), "app:x:1:1::/:/bin/false\n");
    EXPECT_EQ(ImageReader::file(root, "/site/index.html"), "<p>hi</p>");
    EXPECT_EQ(ImageReader::file(root, "/site/css/main.css"), "p{}");
    EXPECT_EQ(ImageReader::link_target(root, "/site/css/up.html"), "../index.html");
    EXPECT_EQ(ImageReader::link_target(root, "/site/dangling"), "/nowhere");
    const tfs::Value* empty = ImageReader::find(root, "/site/empty");
    ASSERT_NE(empty, nullptr);
    EXPECT_EQ(tfs::node_type(empty), tfs::NodeType::directory);
    EXPECT_EQ(tfs::directory_entries(empty)->entry_count(), 0u);
}

TEST_F(WriteImageTest, MapDirsGlobAndDirectory) {
    write_text(m_dir / "certs" / "a.pem", "A");
    write_text(m_dir / "certs" / "nested" / "b.pem", "B");
    write_text(m_dir / "certs" / "readme.txt", "skip me");
    write_text(m_dir / "assets" / "logo.svg", "<svg/>");
    m_config.map_dirs = {{"certs/*.pem", "/etc/ssl/certs"}, {"assets", "/usr/share/app"}};
    BuildResult result = build_image(request(), m_options);
    ImageReader image(result.image);
    const tfs::Filesystem& root = image.root_fs();
    EXPECT_EQ(ImageReader::file(root, "/etc/ssl/certs/a.pem"), "A");
    EXPECT_EQ(ImageReader::file(root, "/etc/ssl/certs/nested/b.pem"), "B");
    EXPECT_EQ(ImageReader::find(root, "/etc/ssl/certs/readme.txt"), nullptr);
    EXPECT_EQ(ImageReader::file(root, "/usr/share/app/logo.svg"), "<svg/>");
}

TEST_F(WriteImageTest, BaseVolumeSizeIsExactAndTheFileIsSparse) {
    m_config.base_volume_bytes = 64 * kMiB;
    BuildResult result = build_image(request(), m_options);
    EXPECT_EQ(result.size_bytes, 64 * kMiB);
    EXPECT_EQ(fs::file_size(result.image), 64 * kMiB);
    struct stat info {};
    ASSERT_EQ(::stat(result.image.c_str(), &info), 0);
    std::uint64_t allocated = static_cast<std::uint64_t>(info.st_blocks) * 512;
    std::uint64_t content = fs::file_size(m_dir / "hello") + fs::file_size(m_dir / "kernel.elf");
    std::printf("[ image ] 64 MiB image: %llu bytes allocated for %llu bytes of files\n",
                static_cast<unsigned long long>(allocated),
                static_cast<unsigned long long>(content));
    // Files plus a few log sectors and 4 KiB rounding, nothing like the 64 MiB or even the two
    // 512 KiB log extensions.
    EXPECT_LT(allocated, content + 256 * 1024);
    ImageReader image(result.image);
    EXPECT_EQ(image.boot_disk().root_fs_bytes, 64 * kMiB - 12587520);
    EXPECT_EQ(ImageReader::file(image.root_fs(), "/hello"), read_text(m_dir / "hello"));
}

TEST_F(WriteImageTest, BaseVolumeSizeTooSmallIsAnErrorNamingTheSizes) {
    fs::create_directories(m_dir / "images");
    write_text(m_dir / "images" / "hello", "previous image");
    m_config.base_volume_bytes = 12 * kMiB;
    try {
        build_image(request(), m_options);
        FAIL() << "expected an error";
    } catch (const Error& error) {
        std::string message = error.message();
        EXPECT_NE(message.find("BaseVolumeSz is 12582912 bytes (12.0 MiB)"), std::string::npos)
            << message;
        EXPECT_NE(message.find("the image content needs"), std::string::npos) << message;
        EXPECT_NE(message.find("raise BaseVolumeSz to at least"), std::string::npos) << message;
    }
    EXPECT_EQ(read_text(m_dir / "images" / "hello"), "previous image");
    EXPECT_EQ(image_test::list_directory(m_dir / "images"), std::vector<std::string>{"hello"});
}

TEST_F(WriteImageTest, SameInputAndUuidGiveIdenticalImages) {
    BuildResult first = build_image(request("first"), m_options);
    BuildResult second = build_image(request("second"), m_options);
    // IMAGE_NAME differs, so compare two builds of the same name instead.
    std::string first_bytes = read_text(first.image);
    BuildResult again = build_image(request("first"), m_options);
    EXPECT_EQ(read_text(again.image), first_bytes);
    EXPECT_EQ(first.size_bytes, second.size_bytes);
}

TEST_F(WriteImageTest, RandomUuidsByDefault) {
    ImageReader first(build_image(request("a")).image);
    ImageReader second(build_image(request("b")).image);
    EXPECT_NE(std::memcmp(first.root_fs().uuid(), second.root_fs().uuid(), 16), 0);
    EXPECT_NE(std::memcmp(first.root_fs().uuid(), first.boot_fs().uuid(), 16), 0);
}

TEST_F(WriteImageTest, RebuildReplacesTheImage) {
    build_image(request(), m_options);
    m_config.args = {"second"};
    BuildResult result = build_image(request(), m_options);
    ImageReader image(result.image);
    EXPECT_EQ(image.manifest_json()["arguments"], nlohmann::json::array({"./hello", "second"}));
    EXPECT_EQ(image_test::list_directory(m_dir / "images"), std::vector<std::string>{"hello"});
}

TEST_F(WriteImageTest, TimeToBuildAOneMebibyteProgram) {
    // A static program padded to over 1 MiB with initialised data.
    std::string source =
        "#include <stdio.h>\nchar big[1 << 20] = {1};\n"
        "int main(int argc, char** argv) { printf(\"%d\\n\", big[argc * 1000]); return 0; }\n";
    ASSERT_TRUE(image_test::compile_c(m_dir / "big", source, "-static"));
    m_config.program = "./big";
    auto start = std::chrono::steady_clock::now();
    BuildResult result = build_image(request("big"), m_options);
    auto elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
    std::printf("[ image ] building an image of a %llu-byte static program took %.1f ms "
                "(image %llu bytes)\n",
                static_cast<unsigned long long>(fs::file_size(m_dir / "big")), elapsed.count(),
                static_cast<unsigned long long>(result.size_bytes));
    ImageReader image(result.image);
    EXPECT_EQ(ImageReader::file(image.root_fs(), "/big"), read_text(m_dir / "big"));
}

TEST(ImageFileSize, DefaultPadsToHalfMebibyteUnitsWithOneMebibyteFreePlusWritableRoom) {
    Config config;
    const std::uint64_t offset = 12587520;
    const std::uint64_t room = kDefaultWritableRoomBytes;
    EXPECT_EQ(room, 64 * kMiB);
    EXPECT_EQ(image_file_size(config, offset, 1025 * 512), offset + 2 * kMiB + room);
    EXPECT_EQ(image_file_size(config, offset, 1 * kMiB), offset + 2 * kMiB + room);
    EXPECT_EQ(image_file_size(config, offset, 1 * kMiB + 1),
              offset + 2 * kMiB + 512 * 1024 + room);
    config.base_volume_bytes = 100 * kMiB;
    EXPECT_EQ(image_file_size(config, offset, 1 * kMiB), 100 * kMiB);
    config.base_volume_bytes = 100 * kMiB + 1; // rounded up to a whole sector
    EXPECT_EQ(image_file_size(config, offset, 1 * kMiB), 100 * kMiB + 512);
    config.base_volume_bytes = offset + kMiB; // exactly the content: fits, with no free space
    EXPECT_EQ(image_file_size(config, offset, kMiB), offset + kMiB);
    config.base_volume_bytes = offset + kMiB - 512;
    EXPECT_THROW(image_file_size(config, offset, kMiB), Error);
}

} // namespace
} // namespace ops
