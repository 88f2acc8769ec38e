// network_keys_test.cpp: the network part of the manifest (manifest.md 4, 9.1) as the kernel
// will read it from a built image: no keys for DHCP, all four root keys for a static address
// ("" for those not given), OPS_PORT with the guest's TCP ports, passthrough still last; and
// /etc/resolv.conf from NameServers.
#include "ops/image/build.h"

#include "ops/base/error.h"
#include "ops/config/config_file.h"
#include "tests/unit/ops/image/image_test_support.h"

namespace ops {
namespace {

using image_test::ImageReader;
using image_test::ScratchDirectory;
using image_test::write_text;
namespace fs = std::filesystem;

class NetworkKeysTest : public testing::Test {
  protected:
    void SetUp() override {
        if (!image_test::compile_c(m_dir / "hello", image_test::kHelloSource, "-static"))
            GTEST_SKIP() << "gcc -static is not available";
        write_text(m_dir / "kernel.elf", std::string(4096, 'k'));
        m_config.program = "./hello";
        m_config.local_files_parent_directory = m_dir.path();
    }

    nlohmann::json manifest() {
        fs::create_directories(m_dir / "images");
        BuildResult result =
            build_image(BuildRequest{m_config, m_dir / "images" / "hello", m_dir / "kernel.elf"});
        ImageReader image(result.image);
        m_resolv_conf = ImageReader::file(image.root_fs(), "/etc/resolv.conf");
        return image.manifest_json();
    }

    ScratchDirectory m_dir;
    Config m_config;
    std::string m_resolv_conf;
};

TEST_F(NetworkKeysTest, DhcpWritesNoAddressKeys) {
    nlohmann::json keys = manifest();
    for (const char* key : {"ipaddr", "netmask", "gateway", "ip6addr", "en1"})
        EXPECT_FALSE(keys.contains(key)) << key;
    EXPECT_FALSE(keys["environment"].contains("OPS_PORT"));
    EXPECT_EQ(m_resolv_conf, "nameserver  8.8.8.8\n");
}

TEST_F(NetworkKeysTest, StaticIpv4WritesAllFourRootKeys) {
    m_config.run.ip_address = "192.168.7.20";
    m_config.run.gateway = "192.168.7.254";
    nlohmann::json keys = manifest();
    EXPECT_EQ(keys["ipaddr"], "192.168.7.20");
    EXPECT_EQ(keys["netmask"], ""); // not given: the kernel's default, 255.255.255.0
    EXPECT_EQ(keys["gateway"], "192.168.7.254");
    EXPECT_EQ(keys["ip6addr"], "");
}

TEST_F(NetworkKeysTest, StaticIpv6AloneAlsoWritesAllFour) {
    m_config.run.ipv6_address = "fd00::20";
    nlohmann::json keys = manifest();
    EXPECT_EQ(keys["ipaddr"], "");
    EXPECT_EQ(keys["netmask"], "");
    EXPECT_EQ(keys["gateway"], "");
    EXPECT_EQ(keys["ip6addr"], "fd00::20");
}

TEST_F(NetworkKeysTest, FromConfigJsonWithEveryField) {
    Config config = decode_config(R"({"RunConfig": {"IPAddress": "10.3.0.9",
        "NetMask": "255.255.0.0", "Gateway": "10.3.0.1", "IPv6Address": "fd00::9",
        "Ports": ["8080-80", "443"], "UDPPorts": ["5353-53"]},
        "NameServers": ["1.1.1.1", "2606:4700:4700::1111"]})",
                                  "config.json", m_config);
    m_config = config;
    nlohmann::json keys = manifest();
    EXPECT_EQ(keys["ipaddr"], "10.3.0.9");
    EXPECT_EQ(keys["netmask"], "255.255.0.0");
    EXPECT_EQ(keys["gateway"], "10.3.0.1");
    EXPECT_EQ(keys["ip6addr"], "fd00::9");
    // The guest's TCP ports: what the program listens on.
    EXPECT_EQ(keys["environment"]["OPS_PORT"], "80,443");
    EXPECT_EQ(m_resolv_conf, "nameserver  1.1.1.1\nnameserver  2606:4700:4700::1111\n");
}

TEST_F(NetworkKeysTest, PassthroughStillWinsAndEnvCanOverrideOpsPort) {
    m_config.run.ip_address = "10.0.2.15";
    m_config.run.ports = {"80"};
    m_config.env["OPS_PORT"] = "8000";
    ManifestValue address;
    address.string = "10.0.2.16";
    m_config.manifest_passthrough = {{"ipaddr", address}};
    nlohmann::json keys = manifest();
    EXPECT_EQ(keys["ipaddr"], "10.0.2.16");
    EXPECT_EQ(keys["environment"]["OPS_PORT"], "8000");
}

TEST(NetworkConfigFile, BadValuesAreReportedWithTheirPosition) {
    auto error_of = [](const char* text) {
        try {
            decode_config(text, "config.json");
        } catch (const Error& e) {
            return e.message();
        }
        return std::string();
    };
    EXPECT_EQ(error_of(R"({"RunConfig": {"IPAddress": "10.0.2.300"}})"),
              "config.json:1:29: RunConfig.IPAddress: \"10.0.2.300\" is not an IPv4 address: write "
              "a dotted quad like \"IPAddress\": \"192.168.1.10\"");
    EXPECT_EQ(error_of(R"({"RunConfig": {"Ports": ["80", "eighty"]}})"),
              "config.json:1:32: invalid port \"eighty\" for RunConfig.Ports: write it like "
              "\"8080\", \"8080-80\" (host 8080 to guest 80) or \"80,443\"");
    EXPECT_NE(error_of(R"({"RunConfig": {"IPv6Address": "fd00::1::2"}})").find("not an IPv6"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"NameServers": ["dns.google"]})").find("not an IPv4 or IPv6 address"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"RunConfig": {"Bridged": "yes"}})").find("must be true or false"),
              std::string::npos);
}

} // namespace
} // namespace ops
