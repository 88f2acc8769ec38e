// machine_test.cpp: machine model names (ops run --machine, config.json RunConfig.Machine).
#include "ops/base/error.h"
#include "ops/config/config_file.h"
#include "ops/config/machine.h"

#include <gtest/gtest.h>

namespace ops {
namespace {

TEST(Machine, NamesRoundTrip) {
    for (Machine machine : {Machine::Microvm, Machine::Q35})
        EXPECT_EQ(parse_machine(machine_name(machine)), machine);
    EXPECT_EQ(parse_machine("q35"), Machine::Q35);
    EXPECT_EQ(parse_machine("pc"), std::nullopt);
    EXPECT_EQ(parse_machine("Q35"), std::nullopt);
    EXPECT_EQ(parse_machine(""), std::nullopt);
}

TEST(Machine, ConfigFileKey) {
    EXPECT_EQ(decode_config(R"({"RunConfig": {"Machine": "q35"}})", "config.json").run.machine,
              Machine::Q35);
    EXPECT_EQ(decode_config(R"({})", "config.json").run.machine, Machine::Microvm);
    try {
        decode_config(R"({"RunConfig": {"Machine": "virt"}})", "config.json");
        FAIL() << "an unknown machine was accepted";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("unknown machine \"virt\""), std::string::npos)
            << error.what();
    }
}

} // namespace
} // namespace ops
