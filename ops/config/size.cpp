// size.cpp: size string parsing.
#include "ops/config/size.h"

#include <cctype>
#include <limits>

namespace ops {

std::uint64_t parse_size(std::string_view text, BareNumberUnit bare_unit) {
    constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
    std::size_t i = 0;
    std::uint64_t whole = 0;
    std::size_t digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        unsigned digit = text[i] - '0';
        if (whole > (kMax - digit) / 10)
            throw std::invalid_argument("the number is too large");
        whole = whole * 10 + digit;
        ++i;
        ++digits;
    }
    // The fraction is kept as numerator/denominator so "1.5G" is exact.
    std::uint64_t fraction = 0, denominator = 1;
    if (i < text.size() && text[i] == '.') {
        ++i;
        std::size_t fraction_digits = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            if (fraction_digits < 9) {
                fraction = fraction * 10 + (text[i] - '0');
                denominator *= 10;
            }
            ++i;
            ++fraction_digits;
        }
        if (fraction_digits == 0)
            throw std::invalid_argument("expected digits after '.'");
    }
    if (digits == 0)
        throw std::invalid_argument("expected a number such as 512M or 2G");

    std::uint64_t multiplier = bare_unit == BareNumberUnit::Mebibytes ? kMiB : 1;
    if (i < text.size()) {
        switch (std::toupper(static_cast<unsigned char>(text[i]))) {
        case 'B': multiplier = 1; break;
        case 'K': multiplier = 1ull << 10; break;
        case 'M': multiplier = 1ull << 20; break;
        case 'G': multiplier = 1ull << 30; break;
        case 'T': multiplier = 1ull << 40; break;
        default:
            throw std::invalid_argument(std::string("unknown unit '") + text[i] +
                                        "' (use K, M, G or T)");
        }
        bool was_bytes = std::toupper(static_cast<unsigned char>(text[i])) == 'B';
        ++i;
        std::string_view rest = text.substr(i);
        bool suffix_ok = rest.empty() ||
                         (!was_bytes && (rest == "B" || rest == "b" || rest == "iB" ||
                                         rest == "ib" || rest == "IB"));
        if (!suffix_ok)
            throw std::invalid_argument("unexpected text after the unit");
    }

    if (whole > kMax / multiplier)
        throw std::invalid_argument("the size is too large");
    std::uint64_t bytes = whole * multiplier;
    // multiplier <= 2^40 and fraction < 10^9 < 2^30, so this product fits in 64 bits... almost:
    // 2^40 * 10^9 overflows, so divide first when the multiplier is large.
    std::uint64_t fraction_bytes = multiplier >= denominator
                                       ? (multiplier / denominator) * fraction +
                                             (multiplier % denominator) * fraction / denominator
                                       : fraction * multiplier / denominator;
    if (bytes > kMax - fraction_bytes)
        throw std::invalid_argument("the size is too large");
    return bytes + fraction_bytes;
}

std::uint64_t parse_memory_mib(std::string_view text) {
    std::uint64_t bytes = parse_size(text, BareNumberUnit::Mebibytes);
    std::uint64_t mib = bytes / kMiB + (bytes % kMiB != 0 ? 1 : 0);
    if (mib < kMinMemoryMib)
        throw std::invalid_argument("the VM needs at least 16M");
    if (mib > kMaxMemoryMib)
        throw std::invalid_argument("more than 1T is not allowed");
    return mib;
}

} // namespace ops
