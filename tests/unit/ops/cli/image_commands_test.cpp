// image_commands_test.cpp: `ops image ...` through the real command tree: list (table and JSON),
// delete (confirmation rules), resize, and the offline readers on the test vectors.
#include "ops/image/image_store.h"
#include "tests/unit/ops/cli/cli_test_support.h"
#include "tests/unit/ops/image/reader_test_support.h"

#include <nlohmann/json.hpp>

namespace ops {
namespace {

using cli_test::context_for;
using cli_test::run_ops;
using image_test::ScratchDirectory;
using image_test::write_text;
using image_test::write_vector;
namespace fs = std::filesystem;

class ImageCommands : public testing::Test {
protected:
    void SetUp() override {
        write_vector(m_dir / ".ops/images", "b-tree", "tree");
        write_vector(m_dir / ".ops/images", "d-disk", "disk");
    }
    ScratchDirectory m_dir;
    Context m_context = context_for(m_dir.path().string());
};

TEST_F(ImageCommands, ListTableAndJson) {
    auto table = run_ops(m_context, {"image", "list"});
    EXPECT_EQ(table.error, "");
    EXPECT_EQ(table.out.substr(0, 4), "NAME");
    EXPECT_LT(table.out.find("\ndisk "), table.out.find("\ntree "));

    auto json = run_ops(m_context, {"image", "list", "--json"});
    auto parsed = nlohmann::json::parse(json.out);
    ASSERT_TRUE(parsed.is_array());
    ASSERT_EQ(parsed.size(), 2u);
    EXPECT_EQ(parsed[0]["name"], "disk");
    EXPECT_EQ(parsed[0]["path"], (m_dir / ".ops/images/disk").string());
    EXPECT_EQ(parsed[0]["size_bytes"], 15257088u);
    EXPECT_EQ(parsed[0]["modified"].get<std::string>().back(), 'Z');

    // -j before the command works too.
    EXPECT_EQ(nlohmann::json::parse(run_ops(m_context, {"-j", "image", "list"}).out).size(), 2u);
}

TEST_F(ImageCommands, LsCatTreeEnv) {
    EXPECT_EQ(run_ops(m_context, {"image", "ls", "tree"}).out, "bin\ndata\ndocs\nemptydir\nusr\n");
    auto long_listing = run_ops(m_context, {"image", "ls", "tree", "/data", "-l"}).out;
    EXPECT_NE(long_listing.find("latest -> big.txt"), std::string::npos) << long_listing;
    EXPECT_NE(long_listing.find("204800"), std::string::npos);
    auto json = nlohmann::json::parse(run_ops(m_context, {"image", "ls", "tree", "/data", "-j"}).out);
    EXPECT_EQ(json[2], (nlohmann::json{{"name", "latest"},
                                       {"path", "/data/latest"},
                                       {"type", "symlink"},
                                       {"size_bytes", 0},
                                       {"link_target", "big.txt"}}));

    EXPECT_EQ(run_ops(m_context, {"image", "cat", "disk", "/hello"}).out, "hi\n");
    EXPECT_EQ(run_ops(m_context, {"image", "ls", "disk", "--bootfs"}).out, "kernel\nklib\n");

    auto tree = run_ops(m_context, {"image", "tree", "tree"}).out;
    EXPECT_EQ(tree.substr(0, 2), "/\n");
    EXPECT_NE(tree.find("├── bin\n│   └── app\n"), std::string::npos) << tree;
    EXPECT_NE(tree.find("└── usr\n    └── share\n"), std::string::npos) << tree;
    auto tree_json = nlohmann::json::parse(run_ops(m_context, {"image", "tree", "tree", "-j"}).out);
    EXPECT_EQ(tree_json["path"], "/");
    EXPECT_EQ(tree_json["children"].size(), 5u);
    EXPECT_EQ(tree_json["children"][0]["children"][0]["name"], "app");

    EXPECT_EQ(run_ops(m_context, {"image", "env", "tree"}).out, "LANG=C.UTF-8\nPWD=/\nUSER=root\n");
    auto env_json = nlohmann::json::parse(run_ops(m_context, {"image", "env", "disk", "-j"}).out);
    EXPECT_EQ(env_json, (nlohmann::json::array({{{"name", "USER"}, {"value", "root"}}})));

    // A path instead of a name.
    fs::path file = m_dir / ".ops/images/disk";
    EXPECT_EQ(run_ops(m_context, {"image", "cat", file.string(), "hello"}).out, "hi\n");
}

TEST_F(ImageCommands, CopyOut) {
    fs::path out = m_dir / "out";
    fs::create_directories(out);
    auto copied = run_ops(m_context, {"image", "cp", "tree", "/data", "/bin/app", out.string(), "-r"});
    EXPECT_EQ(copied.error, "");
    EXPECT_EQ(fs::file_size(out / "data/big.txt"), 204800u);
    EXPECT_EQ(fs::file_size(out / "app"), 3000u);
    EXPECT_NE(run_ops(m_context, {"image", "cp", "tree", "/data", out.string()}).error.find("-r"),
              std::string::npos);
}

TEST_F(ImageCommands, BadInput) {
    auto unknown = run_ops(m_context, {"image", "ls", "nope"});
    EXPECT_NE(unknown.error.find("no image named \"nope\""), std::string::npos) << unknown.error;
    EXPECT_NE(unknown.error.find("(images: disk, tree)"), std::string::npos) << unknown.error;

    write_text(m_dir / ".ops/images/broken", std::string(8192, 'z'));
    auto broken = run_ops(m_context, {"image", "tree", "broken"});
    EXPECT_NE(broken.error.find("broken is not a TFS image"), std::string::npos) << broken.error;
    EXPECT_EQ(broken.out, "");

    EXPECT_NE(run_ops(m_context, {"image", "cat", "tree", "/missing"}).error.find("no such file"),
              std::string::npos);
}

TEST_F(ImageCommands, DeleteNeedsConfirmation) {
    auto refused = run_ops(m_context, {"image", "delete", "tree"});
    EXPECT_NE(refused.error.find("standard input is not a terminal"), std::string::npos);
    EXPECT_NE(refused.error.find("--assume-yes"), std::string::npos);
    EXPECT_TRUE(fs::exists(m_dir / ".ops/images/tree"));

    auto unknown = run_ops(m_context, {"image", "delete", "tree", "nope", "--assume-yes"});
    EXPECT_NE(unknown.error.find("no image named \"nope\""), std::string::npos);
    EXPECT_TRUE(fs::exists(m_dir / ".ops/images/tree"));

    // A terminal that answers "n", then one that answers "y".
    FILE* no = std::tmpfile();
    std::fputs("n\n", no);
    std::rewind(no);
    FILE* error = std::tmpfile();
    m_context.terminal = Terminal{true, false, no, error};
    EXPECT_EQ(run_ops(m_context, {"image", "delete", "tree"}).error, "");
    EXPECT_TRUE(fs::exists(m_dir / ".ops/images/tree"));
    FILE* yes = std::tmpfile();
    std::fputs("yes\n", yes);
    std::rewind(yes);
    m_context.terminal = Terminal{true, false, yes, error};
    auto deleted = run_ops(m_context, {"image", "delete", "tree"});
    EXPECT_EQ(deleted.out, "Deleted image tree\n");
    EXPECT_FALSE(fs::exists(m_dir / ".ops/images/tree"));
    std::fclose(no);
    std::fclose(yes);
    std::fclose(error);

    EXPECT_EQ(run_ops(m_context, {"image", "delete", "disk", "--assume-yes"}).error, "");
    EXPECT_TRUE(list_images(StorePaths(m_dir / ".ops")).empty());
}

TEST_F(ImageCommands, Resize) {
    auto grown = run_ops(m_context, {"image", "resize", "disk", "32M"});
    EXPECT_EQ(grown.error, "");
    EXPECT_EQ(fs::file_size(m_dir / ".ops/images/disk"), 32u << 20);
    auto shrink = run_ops(m_context, {"image", "resize", "disk", "16M"});
    EXPECT_NE(shrink.error.find("cannot shrink"), std::string::npos) << shrink.error;
    EXPECT_NE(run_ops(m_context, {"image", "resize", "disk", "lots"}).error.find("invalid size"),
              std::string::npos);
    EXPECT_EQ(fs::file_size(m_dir / ".ops/images/disk"), 32u << 20);
}

} // namespace
} // namespace ops
