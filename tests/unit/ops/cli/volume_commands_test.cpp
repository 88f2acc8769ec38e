// volume_commands_test.cpp: `ops volume ...` through the real command tree.
#include "tests/unit/ops/cli/cli_test_support.h"
#include "tests/unit/ops/image/reader_test_support.h"

#include <nlohmann/json.hpp>

namespace ops {
namespace {

using cli_test::context_for;
using cli_test::run_ops;
using image_test::ScratchDirectory;
using image_test::write_text;
namespace fs = std::filesystem;

TEST(VolumeCommands, CreateListReadDelete) {
    ScratchDirectory dir;
    Context context = context_for(dir.path().string());
    write_text(dir / "files/config.txt", "key=value\n");
    write_text(dir / "files/sub/deep.txt", "deep\n");

    auto created = run_ops(context, {"volume", "create", "data", "-s", "8M", "-d",
                                     (dir / "files").string()});
    EXPECT_EQ(created.error, "");
    EXPECT_EQ(created.out.substr(0, 20), "Volume data created:");

    auto listed = nlohmann::json::parse(run_ops(context, {"volume", "list", "--json"}).out);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0]["name"], "data");
    EXPECT_EQ(listed[0]["size_bytes"], 8u << 20);
    std::string uuid = listed[0]["uuid"];
    EXPECT_EQ(listed[0]["path"], (dir / ".ops/volumes" / ("data:" + uuid + ".raw")).string());
    for (const char* key : {"name", "uuid", "path", "size_bytes", "modified"})
        EXPECT_TRUE(listed[0].contains(key)) << key;
    EXPECT_NE(run_ops(context, {"volume", "list"}).out.find(uuid), std::string::npos);

    EXPECT_EQ(run_ops(context, {"volume", "ls", "data"}).out, "config.txt\nsub\n");
    EXPECT_EQ(run_ops(context, {"volume", "cat", uuid, "/config.txt"}).out, "key=value\n");
    fs::create_directories(dir / "out");
    EXPECT_EQ(run_ops(context, {"volume", "cp", "data", "/", (dir / "out").string(), "-r"}).error,
              "");
    EXPECT_EQ(image_test::read_text(dir / "out/sub/deep.txt"), "deep\n");

    auto taken = run_ops(context, {"volume", "create", "data"});
    EXPECT_NE(taken.error.find("a volume named \"data\" already exists"), std::string::npos);

    auto unknown = run_ops(context, {"volume", "delete", "data", "nope"});
    EXPECT_NE(unknown.error.find("no volume named \"nope\""), std::string::npos) << unknown.error;
    EXPECT_NE(unknown.error.find("(volumes: data)"), std::string::npos) << unknown.error;
    EXPECT_EQ(nlohmann::json::parse(run_ops(context, {"volume", "list", "-j"}).out).size(), 1u);

    EXPECT_EQ(run_ops(context, {"volume", "delete", "data"}).error, "");
    EXPECT_EQ(run_ops(context, {"volume", "list", "-j"}).out, "[]\n");
}

TEST(VolumeCommands, CorruptVolumeFile) {
    ScratchDirectory dir;
    Context context = context_for(dir.path().string());
    write_text(dir / ".ops/volumes/bad:c2952663-f0ae-4e38-8365-cef92e8ff99b.raw",
               std::string(4096, '\0'));
    auto outcome = run_ops(context, {"volume", "ls", "bad"});
    EXPECT_NE(outcome.error.find("bad:c2952663-f0ae-4e38-8365-cef92e8ff99b.raw is not a TFS image"),
              std::string::npos)
        << outcome.error;
    EXPECT_NE(run_ops(context, {"volume", "create", "x", "-s", "ten"}).error.find("invalid size"),
              std::string::npos);
}

} // namespace
} // namespace ops
