// package_ref.cpp: parsing package references and ordering versions.
#include "ops/pkg/package_ref.h"

#include "ops/base/error.h"

#include <cctype>

namespace ops {

namespace {

constexpr std::size_t kMaxNameLength = 128;
constexpr std::size_t kMaxVersionLength = 64;

bool alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

bool valid_with(std::string_view text, std::size_t max, std::string_view extra) {
    if (text.empty() || text.size() > max || !alnum(text.front()))
        return false;
    for (char c : text)
        if (!alnum(c) && extra.find(c) == std::string_view::npos)
            return false;
    return true;
}

const char* kForms = "write it like myapp, myapp:1.0, myapp:latest or ns/myapp:1.0";

} // namespace

bool valid_package_name(std::string_view name) {
    return valid_with(name, kMaxNameLength, "._+-");
}

bool valid_package_version(std::string_view version) {
    return valid_with(version, kMaxVersionLength, ".+-");
}

std::string package_directory_name(std::string_view name, std::string_view version) {
    return std::string(name) + "_" + std::string(version);
}

PackageRef parse_package_ref(std::string_view text) {
    PackageRef ref;
    ref.text = std::string(text);
    std::string_view rest = text;
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        ref.ns = std::string(rest.substr(0, slash));
        rest = rest.substr(slash + 1);
        if (!valid_package_name(ref.ns))
            throw Error("invalid package namespace \"" + ref.ns + "\" in \"" + ref.text + "\"",
                        kForms);
    }
    if (auto colon = rest.find(':'); colon != std::string_view::npos) {
        ref.name = std::string(rest.substr(0, colon));
        ref.version = std::string(rest.substr(colon + 1));
        if (ref.version == "latest")
            ref.version.clear();
        else if (!valid_package_version(ref.version))
            throw Error("invalid package version \"" + ref.version + "\" in \"" + ref.text + "\"",
                        kForms + std::string(" (versions use letters, digits, '.', '+', '-')"));
    } else {
        ref.name = std::string(rest);
        ref.directory_form = ref.name.find('_') != std::string::npos;
    }
    if (!valid_package_name(ref.name))
        throw Error("invalid package name \"" + ref.name + "\" in \"" + ref.text + "\"",
                    kForms + std::string(" (names use letters, digits, '.', '_', '+', '-')"));
    return ref;
}

int compare_versions(std::string_view a, std::string_view b) {
    auto strip = [](std::string_view v) {
        if (v.size() > 1 && (v[0] == 'v' || v[0] == 'V') &&
            std::isdigit(static_cast<unsigned char>(v[1])))
            v.remove_prefix(1);
        return v;
    };
    a = strip(a);
    b = strip(b);
    std::size_t i = 0, j = 0;
    auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            std::size_t si = i, sj = j;
            while (i < a.size() && digit(a[i]))
                ++i;
            while (j < b.size() && digit(b[j]))
                ++j;
            std::string_view na = a.substr(si, i - si), nb = b.substr(sj, j - sj);
            while (na.size() > 1 && na.front() == '0')
                na.remove_prefix(1);
            while (nb.size() > 1 && nb.front() == '0')
                nb.remove_prefix(1);
            if (na.size() != nb.size())
                return na.size() < nb.size() ? -1 : 1;
            if (int c = na.compare(nb); c != 0)
                return c < 0 ? -1 : 1;
            continue;
        }
        if (a[i] != b[j])
            return a[i] < b[j] ? -1 : 1;
        ++i;
        ++j;
    }
    if (i < a.size())
        return 1;
    if (j < b.size())
        return -1;
    return 0;
}

} // namespace ops
