// config_file.cpp: decodes config.json into Config, strictly. Field names match the established
// ops (ops-cli.md 2); like Go's encoding/json, a key that differs only in case is accepted.
// Fields the established tool knows but we do not implement yet are an error when set to anything
// but their zero value, so a config never silently means less than its author thinks.
#include "ops/config/config_file.h"

#include "ops/base/error.h"
#include "ops/config/ip_address.h"
#include "ops/config/json_reader.h"
#include "ops/vmm/port_forward.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>

namespace ops {

namespace {

using json::Value;
using Kind = json::Value::Kind;

// The largest CPU count we pass to QEMU; microvm without interrupt remapping tops out at 255
// APIC ids, and the kernel's per-CPU tables are sized for 64.
constexpr std::uint64_t kMaxCpus = 64;
constexpr std::uint64_t kMaxPort = 65535;

enum class Support {
    Supported,  // decoded into Config
    Ignored,    // package metadata: accepted, type not checked, no effect
    NotYet,     // known to the established tool; an error unless its value is the zero value
};

struct Field {
    std::string_view name;
    Support support;
    std::function<void(const Value&, const std::string& path)> decode;
};

std::string lowercase(std::string_view text) {
    std::string result(text);
    for (auto& c : result)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return result;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

bool is_zero_value(const Value& value) {
    switch (value.kind) {
    case Kind::Null: return true;
    case Kind::Bool: return !value.boolean;
    case Kind::Number: return value.text.find_first_not_of("-0.eE+") == std::string::npos;
    case Kind::String: return value.text.empty();
    case Kind::Array: return value.items.empty();
    case Kind::Object: return value.members.empty();
    }
    return false;
}

std::string join_path(const std::string& parent, std::string_view name) {
    return parent.empty() ? std::string(name) : parent + "." + std::string(name);
}

std::string last_component(const std::string& path) {
    auto dot = path.rfind('.');
    return dot == std::string::npos ? path : path.substr(dot + 1);
}

class Decoder {
public:
    explicit Decoder(std::string_view file_name) : m_file_name(file_name) {}

    [[noreturn]] void fail(json::Position position, const std::string& what,
                           const std::string& fix) const {
        throw Error(std::string(m_file_name) + ":" + std::to_string(position.line) + ":" +
                        std::to_string(position.column) + ": " + what,
                    fix);
    }

    [[noreturn]] void fail_type(const Value& value, const std::string& path,
                                std::string_view expected, const std::string& example) const {
        fail(value.position,
             path + " must be " + std::string(expected) + ", not " + json::describe(value.kind),
             "write it like " + example);
    }

    void decode_object(const Value& value, const std::string& path,
                       const std::vector<Field>& fields) const {
        if (value.kind != Kind::Object)
            fail_type(value, path.empty() ? "the top level" : path, "an object",
                      path.empty() ? "{\"Program\": \"myapp\"}" : "\"" + last_component(path) + "\": {...}");
        std::vector<const Field*> seen;
        for (auto& member : value.members) {
            const Field* field = find(fields, member.key);
            std::string member_path = join_path(path, field ? field->name : member.key);
            if (!field)
                fail_unknown(member, path, fields);
            if (std::find(seen.begin(), seen.end(), field) != seen.end())
                fail(member.key_position, "duplicate field " + member_path,
                     "keep only one (field names are matched ignoring case)");
            seen.push_back(field);
            switch (field->support) {
            case Support::Ignored:
                break;
            case Support::NotYet:
                if (!is_zero_value(member.value))
                    fail(member.key_position, member_path + " is not supported yet by this ops",
                         "remove it from " + std::string(m_file_name));
                break;
            case Support::Supported:
                // Go's decoder leaves a field untouched when the value is null; so do we.
                if (member.value.kind != Kind::Null)
                    field->decode(member.value, member_path);
                break;
            }
        }
    }

    std::string string(const Value& value, const std::string& path) const {
        if (value.kind != Kind::String)
            fail_type(value, path, "a string", "\"" + last_component(path) + "\": \"text\"");
        return value.text;
    }

    bool boolean(const Value& value, const std::string& path) const {
        if (value.kind != Kind::Bool)
            fail_type(value, path, "true or false", "\"" + last_component(path) + "\": true");
        return value.boolean;
    }

    std::uint64_t integer(const Value& value, const std::string& path, std::uint64_t max) const {
        std::string example = "\"" + last_component(path) + "\": 2";
        if (value.kind != Kind::Number)
            fail_type(value, path, "a whole number", example);
        if (value.text.find_first_not_of("0123456789") != std::string::npos)
            fail(value.position, path + " must be a whole number from 0 to " + std::to_string(max),
                 "write it like " + example);
        if (value.text.size() > 19 || std::stoull(value.text) > max)
            fail(value.position, path + " is too large (at most " + std::to_string(max) + ")",
                 "use a smaller value");
        return std::stoull(value.text);
    }

    std::vector<std::string> string_list(const Value& value, const std::string& path) const {
        if (value.kind != Kind::Array)
            fail_type(value, path, "a list of strings",
                      "\"" + last_component(path) + "\": [\"a\", \"b\"]");
        std::vector<std::string> result;
        for (std::size_t i = 0; i < value.items.size(); ++i)
            result.push_back(string(value.items[i], path + "[" + std::to_string(i) + "]"));
        return result;
    }

    // A list of -p style port specs, checked here so a bad one is reported with its position.
    std::vector<std::string> port_specs(const Value& value, const std::string& path,
                                        Protocol protocol) const {
        std::vector<std::string> specs = string_list(value, path);
        for (std::size_t i = 0; i < specs.size(); ++i) {
            try {
                parse_port_specs({specs[i]}, protocol, path);
            } catch (const Error& e) {
                fail(value.items[i].position, e.what(), "write it like \"8080\", \"8080-80\" "
                                                        "(host 8080 to guest 80) or \"80,443\"");
            }
        }
        return specs;
    }

    // An IPv4 dotted quad or "" (not set), as the field's string.
    std::string ipv4(const Value& value, const std::string& path) const {
        std::string text = string(value, path);
        if (!text.empty() && !parse_ipv4(text))
            fail(value.position, path + ": \"" + text + "\" is not an IPv4 address",
                 "write a dotted quad like \"" + last_component(path) + "\": \"192.168.1.10\"");
        return text;
    }

    std::string ipv6(const Value& value, const std::string& path) const {
        std::string text = string(value, path);
        if (!text.empty() && !is_ipv6(text))
            fail(value.position, path + ": \"" + text + "\" is not an IPv6 address",
                 "write it like \"IPv6Address\": \"fd00::10\"");
        return text;
    }

    std::map<std::string, std::string> string_map(const Value& value,
                                                  const std::string& path) const {
        if (value.kind != Kind::Object)
            fail_type(value, path, "an object of strings",
                      "\"" + last_component(path) + "\": {\"KEY\": \"value\"}");
        std::map<std::string, std::string> result;
        for (auto& member : value.members)
            result[member.key] = string(member.value, path + "." + member.key);
        return result;
    }

    ManifestValue manifest_value(const Value& value, const std::string& path) const {
        ManifestValue result;
        switch (value.kind) {
        case Kind::String:
            result.string = value.text;
            break;
        case Kind::Number:
            result.string = value.text;  // the manifest has no numbers: keep the text as written
            break;
        case Kind::Bool:
            if (!value.boolean)
                fail(value.position, path + ": false has no manifest form",
                     "remove the key (flags are off when absent)");
            result.string = "t";  // manifest flags are the string "t"
            break;
        case Kind::Null:
            fail(value.position, path + ": null has no manifest form", "remove the key");
        case Kind::Array:
            result.kind = ManifestValue::Kind::Vector;
            for (std::size_t i = 0; i < value.items.size(); ++i)
                result.vector.push_back(
                    manifest_value(value.items[i], path + "[" + std::to_string(i) + "]"));
            break;
        case Kind::Object:
            result.kind = ManifestValue::Kind::Tuple;
            for (auto& member : value.members)
                result.tuple.emplace_back(member.key,
                                          manifest_value(member.value, path + "." + member.key));
            break;
        }
        return result;
    }

private:
    static const Field* find(const std::vector<Field>& fields, std::string_view key) {
        for (auto& field : fields)
            if (field.name == key)
                return &field;
        std::string folded = lowercase(key);
        for (auto& field : fields)
            if (lowercase(field.name) == folded)
                return &field;
        return nullptr;
    }

    [[noreturn]] void fail_unknown(const json::Member& member, const std::string& path,
                                   const std::vector<Field>& fields) const {
        const Field* best = nullptr;
        std::size_t best_distance = 0;
        for (auto& field : fields) {
            std::size_t distance = edit_distance(lowercase(member.key), lowercase(field.name));
            if (!best || distance < best_distance) {
                best = &field;
                best_distance = distance;
            }
        }
        std::string fix;
        if (best && best_distance <= std::max<std::size_t>(2, member.key.size() / 4))
            fix = "did you mean " + join_path(path, best->name) + "?";
        else
            fix = "remove it or check the spelling (field names follow the established ops)";
        fail(member.key_position, "unknown field " + join_path(path, member.key), fix);
    }

    std::string_view m_file_name;
};

std::vector<Field> not_yet(std::initializer_list<std::string_view> names) {
    std::vector<Field> fields;
    for (auto name : names)
        fields.push_back({name, Support::NotYet, nullptr});
    return fields;
}

void decode_run_config(const Decoder& d, const Value& value, const std::string& path,
                       RunConfig& run) {
    std::vector<Field> fields = {
        {"Memory", Support::Supported,
         [&](const Value& v, const std::string& p) {
             std::string text = d.string(v, p);
             try {
                 run.memory_mib = parse_memory_mib(text);
             } catch (const std::invalid_argument& e) {
                 d.fail(v.position, p + ": invalid size \"" + text + "\" (" + e.what() + ")",
                        "write it like \"Memory\": \"512M\" or \"2G\"");
             }
         }},
        {"CPUs", Support::Supported,
         [&](const Value& v, const std::string& p) {
             auto cpus = d.integer(v, p, kMaxCpus);
             run.cpus = cpus == 0 ? 1 : static_cast<unsigned>(cpus);
         }},
        {"Accel", Support::Supported,
         [&](const Value& v, const std::string& p) { run.accel = d.boolean(v, p); }},
        {"Verbose", Support::Supported,
         [&](const Value& v, const std::string& p) { run.verbose = d.boolean(v, p); }},
        {"Machine", Support::Supported,
         [&](const Value& v, const std::string& p) {
             std::string name = d.string(v, p);
             auto machine = parse_machine(name);
             if (!machine)
                 d.fail(v.position, p + ": unknown machine \"" + name + "\"",
                        "write \"microvm\" (the default) or \"q35\"");
             run.machine = *machine;
         }},
        {"Ports", Support::Supported,
         [&](const Value& v, const std::string& p) {
             run.ports = d.port_specs(v, p, Protocol::Tcp);
         }},
        {"UDPPorts", Support::Supported,
         [&](const Value& v, const std::string& p) {
             run.udp_ports = d.port_specs(v, p, Protocol::Udp);
         }},
        {"Bridged", Support::Supported,
         [&](const Value& v, const std::string& p) { run.bridged = d.boolean(v, p); }},
        {"BridgeName", Support::Supported,
         [&](const Value& v, const std::string& p) { run.bridge_name = d.string(v, p); }},
        {"BridgeIPAddress", Support::Supported,
         [&](const Value& v, const std::string& p) {
             run.bridge_ip_address = d.string(v, p);
             if (!run.bridge_ip_address.empty()) {
                 try {
                     check_bridge_address(run.bridge_ip_address);
                 } catch (const Error& e) {
                     d.fail(v.position, e.what(), e.fix());
                 }
             }
         }},
        {"TapName", Support::Supported,
         [&](const Value& v, const std::string& p) { run.tap_name = d.string(v, p); }},
        {"IPAddress", Support::Supported,
         [&](const Value& v, const std::string& p) { run.ip_address = d.ipv4(v, p); }},
        {"IPv6Address", Support::Supported,
         [&](const Value& v, const std::string& p) { run.ipv6_address = d.ipv6(v, p); }},
        {"Gateway", Support::Supported,
         [&](const Value& v, const std::string& p) { run.gateway = d.ipv4(v, p); }},
        {"NetMask", Support::Supported,
         [&](const Value& v, const std::string& p) { run.netmask = d.ipv4(v, p); }},
        {"Debug", Support::Supported,
         [&](const Value& v, const std::string& p) { run.debug = d.boolean(v, p); }},
        {"GdbPort", Support::Supported,
         [&](const Value& v, const std::string& p) {
             run.gdb_port = static_cast<unsigned>(d.integer(v, p, kMaxPort));
         }},
        {"ImageName", Support::Supported,
         [&](const Value& v, const std::string& p) { run.image_name = d.string(v, p); }},
    };
    for (auto& field :
         not_yet({"Nics", "CanIPForward", "GPUs", "GPUType",
                  "Vga", "Background", "BackgroundDetach", "AtExit", "QMP", "Mgmt", "Mounts",
                  "AttachVolumeOnInstanceCreate", "InstanceName", "InstanceGroup", "ShowDebug",
                  "ShowErrors", "ShowWarnings", "JSON", "VolumeSizeInGb", "ThreadsPerCore"}))
        fields.push_back(field);
    d.decode_object(value, path, fields);
}

void decode_root(const Decoder& d, const Value& value, Config& config) {
    std::vector<Field> fields = {
        {"Program", Support::Supported,
         [&](const Value& v, const std::string& p) { config.program = d.string(v, p); }},
        {"Args", Support::Supported,
         [&](const Value& v, const std::string& p) { config.args = d.string_list(v, p); }},
        {"Env", Support::Supported,
         [&](const Value& v, const std::string& p) {
             for (auto& [key, text] : d.string_map(v, p))
                 config.env[key] = text;
         }},
        {"Files", Support::Supported,
         [&](const Value& v, const std::string& p) { config.files = d.string_list(v, p); }},
        {"Dirs", Support::Supported,
         [&](const Value& v, const std::string& p) { config.dirs = d.string_list(v, p); }},
        {"MapDirs", Support::Supported,
         [&](const Value& v, const std::string& p) { config.map_dirs = d.string_map(v, p); }},
        {"Mounts", Support::Supported,
         [&](const Value& v, const std::string& p) { config.mounts = d.string_map(v, p); }},
        {"BaseVolumeSz", Support::Supported,
         [&](const Value& v, const std::string& p) {
             std::string text = d.string(v, p);
             try {
                 config.base_volume_bytes = parse_size(text, BareNumberUnit::Bytes);
             } catch (const std::invalid_argument& e) {
                 d.fail(v.position, p + ": invalid size \"" + text + "\" (" + e.what() + ")",
                        "write it like \"BaseVolumeSz\": \"100m\" or \"1g\"");
             }
         }},
        {"NameServers", Support::Supported,
         [&](const Value& v, const std::string& p) {
             config.name_servers = d.string_list(v, p);
             for (std::size_t i = 0; i < config.name_servers.size(); ++i) {
                 const std::string& server = config.name_servers[i];
                 if (!parse_ipv4(server) && !is_ipv6(server))
                     d.fail(v.items[i].position,
                            p + ": \"" + server + "\" is not an IPv4 or IPv6 address",
                            "write it like \"NameServers\": [\"1.1.1.1\"]");
             }
         }},
        {"ManifestPassthrough", Support::Supported,
         [&](const Value& v, const std::string& p) {
             if (v.kind != Kind::Object)
                 d.fail_type(v, p, "an object", "\"ManifestPassthrough\": {\"cwd\": \"/app\"}");
             for (auto& member : v.members)
                 config.manifest_passthrough.emplace_back(
                     member.key, d.manifest_value(member.value, p + "." + member.key));
         }},
        {"Debugflags", Support::Supported,
         [&](const Value& v, const std::string& p) {
             for (auto& flag : d.string_list(v, p))
                 config.add_debug_flag(flag);
         }},
        {"NoTrace", Support::Supported,
         [&](const Value& v, const std::string& p) { config.no_trace = d.string_list(v, p); }},
        {"RebootOnExit", Support::Supported,
         [&](const Value& v, const std::string& p) { config.reboot_on_exit = d.boolean(v, p); }},
        {"Kernel", Support::Supported,
         [&](const Value& v, const std::string& p) { config.kernel = d.string(v, p); }},
        {"TargetRoot", Support::Supported,
         [&](const Value& v, const std::string& p) { config.target_root = d.string(v, p); }},
        {"RunConfig", Support::Supported,
         [&](const Value& v, const std::string& p) { decode_run_config(d, v, p, config.run); }},
        {"Version", Support::Ignored, nullptr},
        {"Language", Support::Ignored, nullptr},
        {"Description", Support::Ignored, nullptr},
    };
    for (auto& field :
         not_yet({"Boot", "UefiBoot", "Uefi", "KlibDir", "Klibs", "NanosVersion", "NightlyBuild",
                  "Force", "TFSv4", "BuildDir", "LocalFilesParentDirectory", "VolumesDir", "Home",
                  "PackageBaseURL", "PackageManifestURL", "DisableArgsCopy", "TargetConfig",
                  "ProgramPath", "CloudConfig"}))
        fields.push_back(field);
    d.decode_object(value, "", fields);
}

} // namespace

Config decode_config(std::string_view text, std::string_view file_name, Config base) {
    Decoder decoder(file_name);
    json::Value root;
    try {
        root = json::parse(text);
    } catch (const json::SyntaxError& e) {
        std::string where = e.path.empty() ? "" : " (in " + e.path + ")";
        decoder.fail(e.position, "invalid JSON: " + e.message + where,
                     "fix the syntax at that position");
    }
    decode_root(decoder, root, base);
    return base;
}

Config load_config_file(const std::filesystem::path& path, Config base) {
    std::error_code size_error;
    auto size = std::filesystem::file_size(path, size_error);
    if (!size_error && size > json::kMaxInputBytes)
        throw Error("config file " + path.string() + " is larger than 16 MiB",
                    "check the path given to -c/--config");
    std::ifstream file(path, std::ios::binary);
    if (!file)
        throw Error("cannot read config file " + path.string() + ": " + std::strerror(errno),
                    "check the path given to -c/--config");
    std::ostringstream contents;
    contents << file.rdbuf();
    Config config = decode_config(contents.str(), path.string(), std::move(base));
    config.local_files_parent_directory = std::filesystem::absolute(path).parent_path();
    return config;
}

} // namespace ops
