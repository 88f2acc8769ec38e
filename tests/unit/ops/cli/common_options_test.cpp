// Tests for ops/cli/common_options.cpp: flags parsed by CLI11 and merged over config.json.
#include "ops/cli/common_options.h"

#include "ops/base/error.h"

#include <CLI/CLI.hpp>
#include <fstream>
#include <gtest/gtest.h>

namespace ops {
namespace {

struct Parsed {
    BuildFlags build;
    RunFlags run;
};

// Parses `arguments` (without the program name) as `ops run` would.
Config resolve(std::vector<std::string> arguments, bool with_run_flags = true) {
    Parsed parsed;
    CLI::App app;
    add_build_flags(app, parsed.build);
    if (with_run_flags)
        add_run_flags(app, parsed.run);
    std::reverse(arguments.begin(), arguments.end());  // CLI11 takes them reversed
    app.parse(arguments);
    return resolve_config(parsed.build, with_run_flags ? &parsed.run : nullptr);
}

std::string write_config(const char* name, const char* text) {
    auto path = std::filesystem::path(testing::TempDir()) / name;
    std::ofstream(path) << text;
    return path.string();
}

TEST(CommonOptions, Defaults) {
    Config config = resolve({"./app"});
    EXPECT_EQ(config.program, "./app");
    EXPECT_EQ(config.run.memory_mib, 2048u);
    EXPECT_EQ(config.run.cpus, 1u);
    EXPECT_TRUE(config.run.accel);
    EXPECT_FALSE(config.run.verbose);
    EXPECT_TRUE(config.debug_flags.empty());
    EXPECT_EQ(config.local_files_parent_directory, std::filesystem::current_path());
}

TEST(CommonOptions, RunFlags) {
    Config config = resolve({"app", "-m", "512M", "--smp", "2", "-v", "--trace",
                             "--missing-files", "-a", "x", "-a", "y z", "-e", "A=1", "-e", "B=",
                             "-e", "C=a=b"});
    EXPECT_EQ(config.run.memory_mib, 512u);
    EXPECT_EQ(config.run.cpus, 2u);
    EXPECT_TRUE(config.run.verbose);
    EXPECT_EQ(config.args, (std::vector<std::string>{"x", "y z"}));
    EXPECT_EQ(config.env.at("A"), "1");
    EXPECT_EQ(config.env.at("B"), "");
    EXPECT_EQ(config.env.at("C"), "a=b");
    EXPECT_EQ(config.debug_flags, (std::vector<std::string>{"trace", "debugsyscalls", "fault",
                                                            "futex_trace", "missing_files"}));
}

TEST(CommonOptions, AccelSpellings) {
    EXPECT_TRUE(resolve({"app", "--accel"}).run.accel);
    EXPECT_FALSE(resolve({"app", "--accel=false"}).run.accel);
    EXPECT_FALSE(resolve({"app", "--no-accel"}).run.accel);
}

TEST(CommonOptions, DebugMeansNoAslrNoKvmAndGdb) {
    Config config = resolve({"app", "-d"});
    EXPECT_EQ(config.debug_flags, (std::vector<std::string>{"noaslr"}));
    EXPECT_FALSE(config.run.accel);
    EXPECT_TRUE(config.run.debug);
    EXPECT_EQ(config.run.gdb_port, 1234u);
    EXPECT_EQ(resolve({"app", "-d", "-g", "9000"}).run.gdb_port, 9000u);
}

TEST(CommonOptions, FlagsOverrideTheConfigFile) {
    std::string path = write_config("ops_cli_config.json", R"({
        "Program": "from-file", "Args": ["file-arg"], "Env": {"A": "file", "K": "keep"},
        "RunConfig": {"Memory": "1G", "CPUs": 3, "Accel": false}})");
    Config file_only = resolve({"-c", path});
    EXPECT_EQ(file_only.program, "from-file");
    EXPECT_EQ(file_only.run.memory_mib, 1024u);
    EXPECT_EQ(file_only.run.cpus, 3u);
    EXPECT_FALSE(file_only.run.accel);
    EXPECT_EQ(file_only.local_files_parent_directory,
              std::filesystem::absolute(path).parent_path());

    Config merged = resolve({"-c", path, "cli-app", "-a", "cli-arg", "-e", "A=cli", "-m", "256M",
                             "--smp", "1", "--accel"});
    EXPECT_EQ(merged.program, "cli-app");
    EXPECT_EQ(merged.args, (std::vector<std::string>{"cli-arg"}));
    EXPECT_EQ(merged.env.at("A"), "cli");
    EXPECT_EQ(merged.env.at("K"), "keep");
    EXPECT_EQ(merged.run.memory_mib, 256u);
    EXPECT_EQ(merged.run.cpus, 1u);
    EXPECT_TRUE(merged.run.accel);
}

TEST(CommonOptions, BuildHasNoRunFlags) {
    EXPECT_THROW(resolve({"app", "-m", "1G"}, false), CLI::ParseError);
    EXPECT_EQ(resolve({"app", "-i", "x.img"}, false).run.image_name, "x.img");
}

TEST(CommonOptions, Errors) {
    EXPECT_THROW(resolve({"app", "-m", "lots"}), Error);
    EXPECT_THROW(resolve({"app", "-e", "NOEQUALS"}), Error);
    EXPECT_THROW(resolve({"app", "-e", "=v"}), Error);
    EXPECT_THROW(resolve({"app", "--smp", "0"}), CLI::ParseError);
    EXPECT_THROW(resolve({"app", "--smp", "65"}), CLI::ParseError);
    EXPECT_THROW(resolve({"app", "--bogus"}), CLI::ParseError);
    std::string bad = write_config("ops_cli_bad.json", "{\"RunConfig\": {\"Memroy\": \"1G\"}}");
    try {
        resolve({"-c", bad});
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(e.message().find(bad + ":1:16: unknown field RunConfig.Memroy"),
                  std::string::npos)
            << e.message();
    }
}

TEST(CommonOptions, PortFlagsAddToTheConfigsPorts) {
    std::string path =
        write_config("ops_cli_ports.json", R"({"RunConfig": {"Ports": ["9000"]}})");
    Config config = resolve({"-c", path, "app", "-p", "8080-80", "--port", "80,443", "--udp",
                             "5353-53", "--udp=69"});
    EXPECT_EQ(config.run.ports, (std::vector<std::string>{"9000", "8080-80", "80,443"}));
    EXPECT_EQ(config.run.udp_ports, (std::vector<std::string>{"5353-53", "69"}));
}

std::string error_of(std::vector<std::string> arguments) {
    try {
        resolve(std::move(arguments));
    } catch (const Error& e) {
        return e.message();
    }
    return "";
}

TEST(CommonOptions, PortErrors) {
    EXPECT_EQ(error_of({"app", "-p", "8080", "-p", "8080"}),
              "host port 8080/tcp is given twice: forward each host port once (-p HOST-GUEST "
              "picks another host port)");
    EXPECT_EQ(error_of({"app", "-p", "80x"}),
              "invalid port \"80x\" for -p/--port (RunConfig.Ports): write it like -p 8080, -p "
              "8080-80 (host 8080 to guest 80) or -p 80,443 (ports 1-65535)");
    EXPECT_NE(error_of({"app", "--udp", "0"}).find("for --udp (RunConfig.UDPPorts)"),
              std::string::npos);
    EXPECT_NE(error_of({"app", "-b", "-p", "80"}).find("work only with QEMU's user network"),
              std::string::npos);
}

TEST(CommonOptions, StaticAddressFlagsAreBuildFlags) {
    // ops build takes them too: they change the image, not the VM.
    Config config = resolve({"app", "--ip-address", "10.0.2.20", "--netmask", "255.255.255.0",
                             "--gateway", "10.0.2.2", "--ipv6-address", "fd00::20"},
                            false);
    EXPECT_EQ(config.run.ip_address, "10.0.2.20");
    EXPECT_EQ(config.run.netmask, "255.255.255.0");
    EXPECT_EQ(config.run.gateway, "10.0.2.2");
    EXPECT_EQ(config.run.ipv6_address, "fd00::20");
    EXPECT_NE(error_of({"app", "--ip-address", "10.0.2"}).find("invalid IPv4 address"),
              std::string::npos);
    EXPECT_NE(error_of({"app", "--gateway", "10.0.2.2"}).find("need --ip-address"),
              std::string::npos);
    EXPECT_THROW(resolve({"app", "--ip-address", "1.2.3.4.5"}, false), Error);
}

TEST(CommonOptions, BridgeFlags) {
    Config config = resolve({"app", "-b"});
    EXPECT_TRUE(config.run.bridged);
    EXPECT_TRUE(config.run.tap_name.empty());
    config = resolve({"app", "-t", "tap3"});
    EXPECT_FALSE(config.run.bridged);  // a tap alone, not in a bridge
    EXPECT_EQ(config.run.tap_name, "tap3");
    config = resolve({"app", "--bridgename", "opsbr", "--tapname", "tap4"});
    EXPECT_TRUE(config.run.bridged);  // naming a bridge implies bridged
    EXPECT_EQ(config.run.bridge_name, "opsbr");
    EXPECT_EQ(config.run.tap_name, "tap4");
    EXPECT_NE(error_of({"app", "-t", "tap/0"}).find("invalid tap name \"tap/0\""),
              std::string::npos);
    EXPECT_EQ(resolve({"app", "-b", "--bridgeipaddress", "10.7.0.1/24"}).run.bridge_ip_address,
              "10.7.0.1/24");
    EXPECT_NE(error_of({"app", "--bridgeipaddress", "10.7.0.1/24"}).find("needs --bridged"),
              std::string::npos);
    EXPECT_NE(error_of({"app", "-b", "--bridgeipaddress", "10.7.0.0/24"})
                  .find("invalid bridge address"),
              std::string::npos);
}

TEST(CommonOptions, ImageNames) {
    EXPECT_EQ(image_name_for(resolve({"./bin/web"})), "web");
    EXPECT_EQ(image_name_for(resolve({"./bin/web", "-i", "other.img"})), "other");
    EXPECT_THROW(image_name_for(resolve({})), Error);
}

} // namespace
} // namespace ops
