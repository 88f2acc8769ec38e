// Tests for ops/hostnet/subnet.cpp.
#include "ops/hostnet/subnet.h"

#include "ops/base/error.h"

#include <gtest/gtest.h>

namespace ops {
namespace {

TEST(Subnet, ParsesAndNormalises) {
    Subnet subnet = parse_subnet("10.3.0.0/24");
    EXPECT_EQ(subnet.to_string(), "10.3.0.0/24");
    EXPECT_EQ(format_ipv4(subnet.gateway()), "10.3.0.1");
    EXPECT_EQ(format_ipv4(subnet.dhcp_first()), "10.3.0.2");
    EXPECT_EQ(format_ipv4(subnet.dhcp_last()), "10.3.0.254");
    EXPECT_EQ(parse_subnet("192.168.33.1/24").to_string(), "192.168.33.0/24");
    Subnet wide = parse_subnet("172.16.5.9/16");
    EXPECT_EQ(wide.to_string(), "172.16.0.0/16");
    EXPECT_EQ(format_ipv4(wide.dhcp_last()), "172.16.255.254");
    EXPECT_EQ(format_ipv4(parse_subnet("10.0.0.8/29").dhcp_last()), "10.0.0.14");
}

TEST(Subnet, RejectsMalformed) {
    for (const char* bad : {"", "10.3.0.0", "10.3.0/24", "10.3.0.0.0/24", "10.3.0.256/24",
                            "10.3.0.0/7", "10.3.0.0/30", "10.3.0.0/", "a.b.c.d/24", "010.3.0.0/24",
                            "10.3.0.0/24x", " 10.3.0.0/24", "10..0.0/24"})
        EXPECT_THROW(parse_subnet(bad), Error) << bad;
}

TEST(Subnet, Overlaps) {
    EXPECT_TRUE(parse_subnet("10.3.0.0/24").overlaps(parse_subnet("10.3.0.0/24")));
    EXPECT_TRUE(parse_subnet("10.3.0.0/16").overlaps(parse_subnet("10.3.7.0/24")));
    EXPECT_TRUE(parse_subnet("10.3.7.0/24").overlaps(parse_subnet("10.3.0.0/16")));
    EXPECT_FALSE(parse_subnet("10.3.0.0/24").overlaps(parse_subnet("10.4.0.0/24")));
}

} // namespace
} // namespace ops
