// Tests for ops/instance/record.cpp: instance.json round trips, strict reading, names, -p.
#include "ops/instance/record.h"

#include "ops/base/error.h"

#include <gtest/gtest.h>

namespace ops {
namespace {

InstanceRecord sample() {
    InstanceRecord record;
    record.name = "web-1";
    record.image = "/home/u/.ops/images/web";
    record.disk = "/home/u/.ops/instances/web-1/disk.raw";
    record.kernel = "/opt/ops/kernel.elf";
    record.memory_mib = 512;
    record.cpus = 2;
    record.ports = {{8080, 80}, {9000, 9000}};
    record.created = 1700000000;
    record.started = 1700000001;
    record.pid = 4242;
    record.argv = {"qemu-system-x86_64", "-m", "512M"};
    record.accel = "tcg";
    return record;
}

TEST(InstanceRecord, RoundTrips) {
    InstanceRecord record = sample();
    EXPECT_EQ(instance_record_from_json(instance_record_to_json(record), "x.json"), record);
}

TEST(InstanceRecord, MacTapAndUdpPortsRoundTrip) {
    InstanceRecord record = sample();
    record.mac = "52:54:00:ab:cd:ef";
    record.ports.push_back({5353, 53, Protocol::Udp});
    record.tap = TapSetup{"opstap-1234abcd", "br0", true, false, false};
    std::string text = instance_record_to_json(record);
    EXPECT_NE(text.find("\"protocol\": \"udp\""), std::string::npos);
    EXPECT_EQ(instance_record_from_json(text, "x.json"), record);
}

TEST(InstanceRecord, OlderRecordsWithoutMacTapOrProtocolStillRead) {
    std::string text = instance_record_to_json(sample());
    for (const char* field : {"\n  \"mac\": \"\",", ",\n      \"protocol\": \"tcp\""}) {
        for (auto at = text.find(field); at != std::string::npos; at = text.find(field))
            text.erase(at, std::string(field).size());
    }
    EXPECT_EQ(text.find("protocol"), std::string::npos) << text;
    EXPECT_EQ(text.find("\"mac\""), std::string::npos) << text;
    EXPECT_EQ(instance_record_from_json(text, "x.json"), sample());
}

TEST(InstanceRecord, VolumesRoundTrip) {
    InstanceRecord record = sample();
    record.volumes = {{"/home/u/.ops/volumes/data:01234567-89ab-cdef-0123-456789abcdef.raw", false},
                      {"/home/u/.ops/volumes/logs:11234567-89ab-cdef-0123-456789abcdef.raw", true}};
    std::string text = instance_record_to_json(record);
    EXPECT_NE(text.find("\"read_only\": true"), std::string::npos) << text;
    EXPECT_EQ(instance_record_from_json(text, "x.json"), record);
}

TEST(InstanceRecord, OlderRecordsWithoutVolumesStillRead) {
    std::string text = instance_record_to_json(sample());
    const std::string field = ",\n  \"volumes\": []";
    auto at = text.find(field);
    ASSERT_NE(at, std::string::npos) << text;
    text.erase(at, field.size());
    EXPECT_EQ(text.find("volumes"), std::string::npos) << text;
    InstanceRecord read = instance_record_from_json(text, "x.json");
    EXPECT_TRUE(read.volumes.empty());
    EXPECT_EQ(read, sample());
}

TEST(InstanceRecord, MachineRoundTripsAndOlderRecordsRunOnMicrovm) {
    InstanceRecord record = sample();
    record.machine = Machine::Q35;
    std::string text = instance_record_to_json(record);
    EXPECT_NE(text.find("\"machine\": \"q35\""), std::string::npos) << text;
    EXPECT_EQ(instance_record_from_json(text, "x.json"), record);

    std::string older = instance_record_to_json(sample());
    const std::string field = "\n  \"machine\": \"microvm\",";
    auto at = older.find(field);
    ASSERT_NE(at, std::string::npos) << older;
    older.erase(at, field.size());
    EXPECT_EQ(instance_record_from_json(older, "x.json").machine, Machine::Microvm);

    std::string bad = text;
    bad.replace(bad.find("\"q35\""), 5, "\"pc\"");
    EXPECT_THROW(instance_record_from_json(bad, "x.json"), Error);
}

TEST(InstanceRecord, RejectsBadVolumes) {
    InstanceRecord record = sample();
    record.volumes = {{"relative/data.raw", false}};
    EXPECT_THROW(instance_record_from_json(instance_record_to_json(record), "x"), Error);
    std::string text = instance_record_to_json(sample());
    for (const char* bad :
         {"\"volumes\": {}", "\"volumes\": [1]", "\"volumes\": [{\"file\": \"/a\"}]",
          "\"volumes\": [{\"file\": 3, \"read_only\": false}]"}) {
        std::string changed = text;
        changed.replace(changed.find("\"volumes\": []"), std::string("\"volumes\": []").size(),
                        bad);
        EXPECT_THROW(instance_record_from_json(changed, "x"), Error) << bad;
    }
}

TEST(InstanceRecord, RejectsBadNetworkFields) {
    InstanceRecord record = sample();
    record.mac = "52:54:00:ab:cd:ef,x";
    EXPECT_THROW(instance_record_from_json(instance_record_to_json(record), "x"), Error);
    record.mac = "";
    record.tap = TapSetup{"tap;rm", "", true, false, false};
    EXPECT_THROW(instance_record_from_json(instance_record_to_json(record), "x"), Error);
    record = sample();
    std::string text = instance_record_to_json(record);
    auto at = text.find("\"tcp\"");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 5, "\"sctp\"");
    EXPECT_THROW(instance_record_from_json(text, "x"), Error);
}

TEST(InstanceRecord, RejectsBadInput) {
    std::string good = instance_record_to_json(sample());
    EXPECT_THROW(instance_record_from_json("", "x"), Error);
    EXPECT_THROW(instance_record_from_json("[]", "x"), Error);
    EXPECT_THROW(instance_record_from_json(std::string(kMaxInstanceRecordBytes + 1, ' '), "x"),
                 Error);
    for (const char* key : {"name", "pid", "argv", "ports", "version"}) {
        std::string text = good;
        auto at = text.find(std::string("\"") + key + "\"");
        ASSERT_NE(at, std::string::npos);
        text.replace(at + 1, 1, "X"); // rename the key
        EXPECT_THROW(instance_record_from_json(text, "x"), Error) << key;
    }
    std::string bad_name = good;
    auto at = bad_name.find("\"name\": \"web-1\"");
    ASSERT_NE(at, std::string::npos);
    bad_name.replace(at + 9, 5, "../up");
    EXPECT_THROW(instance_record_from_json(bad_name, "x"), Error);
}

TEST(InstanceName, Rules) {
    EXPECT_TRUE(is_valid_instance_name("web"));
    EXPECT_TRUE(is_valid_instance_name("Web_1.2-x"));
    EXPECT_FALSE(is_valid_instance_name(""));
    EXPECT_FALSE(is_valid_instance_name(".hidden"));
    EXPECT_FALSE(is_valid_instance_name("-x"));
    EXPECT_FALSE(is_valid_instance_name("a/b"));
    EXPECT_FALSE(is_valid_instance_name(".."));
    EXPECT_FALSE(is_valid_instance_name("a b"));
    EXPECT_TRUE(is_valid_instance_name(std::string(kMaxInstanceNameLength, 'a')));
    EXPECT_FALSE(is_valid_instance_name(std::string(kMaxInstanceNameLength + 1, 'a')));
    EXPECT_THROW(check_instance_name("a/b"), Error);
}

TEST(PortForwards, Parse) {
    EXPECT_EQ(parse_port_forwards({"8080"}), (std::vector<PortForward>{{8080, 8080}}));
    EXPECT_EQ(parse_port_forwards({"8080:80", "9000,9001-1"}),
              (std::vector<PortForward>{{8080, 80}, {9000, 9000}, {9001, 1}}));
    EXPECT_EQ(format_port_forwards(parse_port_forwards({"8080:80,9000"}, {"53"})),
              "8080-80,9000,53/udp");
    EXPECT_NO_THROW(parse_port_forwards({"53"}, {"53"})); // TCP and UDP are separate ports
    for (const char* bad :
         {"", "0", "65536", "80:", ":80", "a", "80,", "1:2:3", "-1", "08x", "1-2-3"})
        EXPECT_THROW(parse_port_forwards({bad}), Error) << bad;
    EXPECT_THROW(parse_port_forwards({"8080", "8080:81"}), Error);
}

} // namespace
} // namespace ops
