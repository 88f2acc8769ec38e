// Tests for ops/config/config_file.cpp: the strict config.json decoder.
#include "ops/config/config_file.h"

#include "ops/base/error.h"

#include <gtest/gtest.h>

namespace ops {
namespace {

TEST(ConfigFile, DecodesEveryField) {
    const char* text = R"({
  "Program": "bin/app",
  "Args": ["-v", "x"],
  "Env": {"A": "1", "B": ""},
  "Files": ["etc/a.conf"],
  "Dirs": ["static"],
  "MapDirs": {"/etc/ssl/certs/*": "/usr/lib/ssl/certs"},
  "Mounts": {"data": "/data:ro"},
  "BaseVolumeSz": "100m",
  "NameServers": ["1.1.1.1"],
  "ManifestPassthrough": {"cwd": "/app", "expected_exit_code": 3, "readonly_rootfs": true,
                          "uname": {"sysname": "x"}, "list": ["a", "b"]},
  "Debugflags": ["trace", "trace"],
  "NoTrace": ["read"],
  "RebootOnExit": true,
  "Kernel": "k.elf",
  "TargetRoot": "/sysroot",
  "Version": "1.0", "Description": "ignored", "Language": "c",
  "Boot": "",
  "RunConfig": {"Memory": "512M", "CPUs": 4, "Accel": false, "Verbose": true,
                "Ports": ["8080"], "Debug": false, "GdbPort": 2345, "ImageName": "web",
                "Bridged": false, "IPAddress": ""}
})";
    Config config = decode_config(text, "config.json");
    EXPECT_EQ(config.program, "bin/app");
    EXPECT_EQ(config.args, (std::vector<std::string>{"-v", "x"}));
    EXPECT_EQ(config.env.at("A"), "1");
    EXPECT_EQ(config.env.at("B"), "");
    EXPECT_EQ(config.files, (std::vector<std::string>{"etc/a.conf"}));
    EXPECT_EQ(config.dirs, (std::vector<std::string>{"static"}));
    EXPECT_EQ(config.map_dirs.at("/etc/ssl/certs/*"), "/usr/lib/ssl/certs");
    EXPECT_EQ(config.mounts.at("data"), "/data:ro");
    EXPECT_EQ(config.base_volume_bytes, 100u * kMiB);
    EXPECT_EQ(config.name_servers, (std::vector<std::string>{"1.1.1.1"}));
    ASSERT_EQ(config.manifest_passthrough.size(), 5u);
    EXPECT_EQ(config.manifest_passthrough[0].first, "cwd");
    EXPECT_EQ(config.manifest_passthrough[0].second.string, "/app");
    EXPECT_EQ(config.manifest_passthrough[1].second.string, "3");
    EXPECT_EQ(config.manifest_passthrough[2].second.string, "t");
    EXPECT_EQ(config.manifest_passthrough[3].second.kind, ManifestValue::Kind::Tuple);
    EXPECT_EQ(config.manifest_passthrough[3].second.tuple[0].second.string, "x");
    EXPECT_EQ(config.manifest_passthrough[4].second.kind, ManifestValue::Kind::Vector);
    EXPECT_EQ(config.manifest_passthrough[4].second.vector.size(), 2u);
    EXPECT_EQ(config.debug_flags, (std::vector<std::string>{"trace"}));
    EXPECT_EQ(config.no_trace, (std::vector<std::string>{"read"}));
    EXPECT_TRUE(config.reboot_on_exit);
    EXPECT_EQ(config.kernel, "k.elf");
    EXPECT_EQ(config.target_root, "/sysroot");
    EXPECT_EQ(config.run.memory_mib, 512u);
    EXPECT_EQ(config.run.cpus, 4u);
    EXPECT_FALSE(config.run.accel);
    EXPECT_TRUE(config.run.verbose);
    EXPECT_EQ(config.run.ports, (std::vector<std::string>{"8080"}));
    EXPECT_EQ(config.run.gdb_port, 2345u);
    EXPECT_EQ(config.run.image_name, "web");
}

TEST(ConfigFile, DefaultsAndBaseSurviveAbsentFields) {
    Config base;
    base.program = "keep";
    Config config = decode_config("{\"RunConfig\": {}}", "c.json", base);
    EXPECT_EQ(config.program, "keep");
    EXPECT_EQ(config.run.memory_mib, kDefaultMemoryMib);
    EXPECT_EQ(config.run.cpus, 1u);
    EXPECT_TRUE(config.run.accel);
}

TEST(ConfigFile, NullLeavesTheFieldAlone) {
    Config config = decode_config("{\"Program\": null, \"RunConfig\": null}", "c.json");
    EXPECT_EQ(config.program, "");
}

TEST(ConfigFile, FieldNamesMatchIgnoringCaseLikeGo) {
    Config config = decode_config("{\"program\": \"a\", \"runconfig\": {\"memory\": \"1G\"}}",
                                  "c.json");
    EXPECT_EQ(config.program, "a");
    EXPECT_EQ(config.run.memory_mib, 1024u);
}

TEST(ConfigFile, ZeroCpusMeansDefault) {
    EXPECT_EQ(decode_config("{\"RunConfig\": {\"CPUs\": 0}}", "c.json").run.cpus, 1u);
}

struct BadConfig {
    const char* text;
    const char* expected;  // substring of the full message "what: fix"
};

class ConfigFileErrors : public testing::TestWithParam<BadConfig> {};

TEST_P(ConfigFileErrors, NameFieldLineAndColumn) {
    try {
        decode_config(GetParam().text, "config.json");
        FAIL() << "no error for " << GetParam().text;
    } catch (const Error& e) {
        EXPECT_NE(e.message().find(GetParam().expected), std::string::npos)
            << "message: " << e.message();
        EXPECT_EQ(e.exit_status(), kExitUsage);
    }
}

INSTANTIATE_TEST_SUITE_P(
    BadConfigs, ConfigFileErrors,
    testing::Values(
        BadConfig{"{\n  \"RunConfig\": {\n    \"Memroy\": \"2G\"\n  }\n}",
                  "config.json:3:5: unknown field RunConfig.Memroy: did you mean RunConfig.Memory?"},
        BadConfig{"{\"Progam\": \"a\"}", "config.json:1:2: unknown field Progam: did you mean Program?"},
        BadConfig{"{\"Zzzzzzzz\": 1}", "config.json:1:2: unknown field Zzzzzzzz: remove it"},
        BadConfig{"{\"Program\": 5}", "config.json:1:13: Program must be a string, not a number"},
        BadConfig{"{\"Args\": \"-v\"}", "config.json:1:10: Args must be a list of strings, not a string"},
        BadConfig{"{\"Args\": [\"a\", 2]}", "config.json:1:16: Args[1] must be a string"},
        BadConfig{"{\"Env\": {\"A\": 1}}", "config.json:1:15: Env.A must be a string, not a number"},
        BadConfig{"{\"Env\": [\"A=1\"]}", "1:9: Env must be an object of strings, not a list"},
        BadConfig{"{\"RunConfig\": {\"CPUs\": \"2\"}}",
                  "1:24: RunConfig.CPUs must be a whole number, not a string: write it like \"CPUs\": 2"},
        BadConfig{"{\"RunConfig\": {\"CPUs\": 1.5}}", "1:24: RunConfig.CPUs must be a whole number from 0 to 64"},
        BadConfig{"{\"RunConfig\": {\"CPUs\": -1}}", "RunConfig.CPUs must be a whole number"},
        BadConfig{"{\"RunConfig\": {\"CPUs\": 65}}", "1:24: RunConfig.CPUs is too large (at most 64)"},
        BadConfig{"{\"RunConfig\": {\"CPUs\": 99999999999999999999999}}", "RunConfig.CPUs is too large"},
        BadConfig{"{\"RunConfig\": {\"Accel\": \"yes\"}}", "1:25: RunConfig.Accel must be true or false"},
        BadConfig{"{\"RunConfig\": {\"Memory\": \"2X\"}}", "1:26: RunConfig.Memory: invalid size \"2X\""},
        BadConfig{"{\"RunConfig\": {\"Memory\": 512}}", "1:26: RunConfig.Memory must be a string"},
        BadConfig{"{\"RunConfig\": []}", "1:15: RunConfig must be an object, not a list"},
        BadConfig{"[]", "config.json:1:1: the top level must be an object"},
        BadConfig{"{\"BaseVolumeSz\": \"lots\"}", "1:18: BaseVolumeSz: invalid size"},
        BadConfig{"{\"Program\": \"a\", \"program\": \"b\"}", "1:18: duplicate field Program"},
        BadConfig{"{\"Klibs\": [\"ntp\"]}", "1:2: Klibs is not supported yet by this ops: remove it from config.json"},
        BadConfig{"{\"RunConfig\": {\"CanIPForward\": true}}", "1:16: RunConfig.CanIPForward is not supported yet"},
        BadConfig{"{\"CloudConfig\": {\"Platform\": \"gcp\"}}", "CloudConfig is not supported yet"},
        BadConfig{"{\"ManifestPassthrough\": {\"a\": false}}", "1:31: ManifestPassthrough.a: false has no manifest form"},
        BadConfig{"{\"ManifestPassthrough\": {\"a\": [null]}}", "1:32: ManifestPassthrough.a[0]: null"},
        BadConfig{"{\"ManifestPassthrough\": \"x\"}", "1:25: ManifestPassthrough must be an object"},
        BadConfig{"{\"Program\": \"a\",}", "config.json:1:17: invalid JSON: trailing comma"},
        BadConfig{"{\n\"RunConfig\": {\"Memory\": 2G}}", "config.json:2:25: invalid JSON: invalid value (strings need double quotes) (in RunConfig.Memory)"},
        BadConfig{"", "config.json:1:1: invalid JSON: unexpected end of file"}));

TEST(ConfigFile, MissingFileIsOneClearError) {
    try {
        load_config_file("/nonexistent/config.json");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(e.message().find("cannot read config file /nonexistent/config.json"),
                  std::string::npos)
            << e.message();
    }
}

} // namespace
} // namespace ops
