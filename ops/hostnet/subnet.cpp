// subnet.cpp: IPv4 subnet parsing and arithmetic.
#include "ops/hostnet/subnet.h"

#include "ops/base/error.h"

#include <charconv>

namespace ops {

namespace {

[[noreturn]] void bad_subnet(std::string_view text) {
    throw Error("invalid subnet \"" + std::string(text) + "\"",
                "write it like --subnet 10.3.0.0/24 (prefix " + std::to_string(kMinSubnetPrefix) +
                    " to " + std::to_string(kMaxSubnetPrefix) + ")");
}

bool parse_number(std::string_view text, unsigned max, unsigned& value) {
    if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0'))
        return false;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() && value <= max;
}

} // namespace

bool Subnet::overlaps(const Subnet& other) const {
    int shorter = prefix < other.prefix ? prefix : other.prefix;
    std::uint32_t mask = ~std::uint32_t(0) << (32 - shorter);
    return (network & mask) == (other.network & mask);
}

std::string Subnet::to_string() const {
    return format_ipv4(network) + "/" + std::to_string(prefix);
}

Subnet parse_subnet(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos)
        bad_subnet(text);
    unsigned prefix = 0;
    if (!parse_number(text.substr(slash + 1), 32, prefix) || prefix < kMinSubnetPrefix ||
        prefix > kMaxSubnetPrefix)
        bad_subnet(text);
    std::string_view address = text.substr(0, slash);
    std::uint32_t value = 0;
    for (int part = 0; part < 4; ++part) {
        auto dot = address.find('.');
        if ((part < 3) == (dot == std::string_view::npos))
            bad_subnet(text);
        unsigned octet = 0;
        if (!parse_number(address.substr(0, dot), 255, octet))
            bad_subnet(text);
        value = (value << 8) | octet;
        address = dot == std::string_view::npos ? std::string_view() : address.substr(dot + 1);
    }
    Subnet subnet;
    subnet.prefix = static_cast<int>(prefix);
    subnet.network = value & (~std::uint32_t(0) << (32 - prefix));
    return subnet;
}

std::string format_ipv4(std::uint32_t address) {
    return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
           std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

} // namespace ops
