// record.cpp: instance.json <-> InstanceRecord, instance names and -p parsing.
#include "ops/instance/record.h"

#include "ops/base/error.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <set>

namespace ops {

namespace {

using nlohmann::json;

[[noreturn]] void bad_record(const std::filesystem::path& source, const std::string& why) {
    throw Error("invalid instance record " + source.string() + ": " + why,
                "delete the instance (ops instance delete) or remove that file");
}

template <typename T>
T field(const json& object, const char* key, const std::filesystem::path& source) {
    auto it = object.find(key);
    if (it == object.end())
        bad_record(source, std::string("missing \"") + key + "\"");
    try {
        return it->get<T>();
    } catch (const json::exception&) {
        bad_record(source, std::string("\"") + key + "\" has the wrong type");
    }
}

std::uint16_t parse_port(std::string_view text, std::string_view whole) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value == 0 ||
        value > 65535)
        throw Error("invalid port \"" + std::string(whole) + "\" for -p/--port",
                    "write it like -p 8080 or -p 8080:80 (host:guest, 1-65535)");
    return static_cast<std::uint16_t>(value);
}

} // namespace

std::string instance_record_to_json(const InstanceRecord& record) {
    json ports = json::array();
    for (const PortForward& port : record.ports)
        ports.push_back({{"host", port.host}, {"guest", port.guest}, {"protocol", "tcp"}});
    json object = {
        {"version", kInstanceRecordVersion},
        {"name", record.name},
        {"image", record.image.string()},
        {"disk", record.disk.string()},
        {"kernel", record.kernel.string()},
        {"memory_mib", record.memory_mib},
        {"cpus", record.cpus},
        {"ports", ports},
        {"created", record.created},
        {"started", record.started},
        {"pid", record.pid},
        {"argv", record.argv},
        {"accel", record.accel},
    };
    return object.dump(2) + "\n";
}

InstanceRecord instance_record_from_json(std::string_view text, const std::filesystem::path& source) {
    if (text.size() > kMaxInstanceRecordBytes)
        bad_record(source, "larger than " + std::to_string(kMaxInstanceRecordBytes) + " bytes");
    json object = json::parse(text, nullptr, false);
    if (object.is_discarded() || !object.is_object())
        bad_record(source, "not a JSON object");
    if (field<int>(object, "version", source) != kInstanceRecordVersion)
        bad_record(source, "unknown version");
    InstanceRecord record;
    record.name = field<std::string>(object, "name", source);
    if (!is_valid_instance_name(record.name))
        bad_record(source, "invalid name");
    record.image = field<std::string>(object, "image", source);
    record.disk = field<std::string>(object, "disk", source);
    record.kernel = field<std::string>(object, "kernel", source);
    record.memory_mib = field<std::uint64_t>(object, "memory_mib", source);
    record.cpus = field<unsigned>(object, "cpus", source);
    record.created = field<std::int64_t>(object, "created", source);
    record.started = field<std::int64_t>(object, "started", source);
    record.pid = field<int>(object, "pid", source);
    if (record.pid < 0)
        bad_record(source, "negative pid");
    record.argv = field<std::vector<std::string>>(object, "argv", source);
    record.accel = field<std::string>(object, "accel", source);
    json ports = field<json>(object, "ports", source);
    if (!ports.is_array())
        bad_record(source, "\"ports\" is not an array");
    for (const json& port : ports) {
        if (!port.is_object())
            bad_record(source, "a port is not an object");
        unsigned host = field<unsigned>(port, "host", source);
        unsigned guest = field<unsigned>(port, "guest", source);
        if (host == 0 || host > 65535 || guest == 0 || guest > 65535)
            bad_record(source, "port out of range");
        record.ports.push_back({static_cast<std::uint16_t>(host), static_cast<std::uint16_t>(guest)});
    }
    return record;
}

bool is_valid_instance_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxInstanceNameLength || name[0] == '.' || name[0] == '-')
        return false;
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

void check_instance_name(std::string_view name) {
    if (!is_valid_instance_name(name))
        throw Error("invalid instance name \"" + std::string(name) + "\"",
                    "use letters, digits, '.', '_' and '-' (at most 64, not starting with '.' "
                    "or '-')");
}

std::vector<PortForward> parse_port_forwards(const std::vector<std::string>& values) {
    std::vector<PortForward> forwards;
    std::set<std::uint16_t> hosts;
    for (const std::string& value : values) {
        std::string_view rest = value;
        while (true) {
            auto comma = rest.find(',');
            std::string_view item = rest.substr(0, comma);
            auto colon = item.find(':');
            PortForward forward;
            forward.host = parse_port(item.substr(0, colon), value);
            forward.guest = colon == std::string_view::npos ? forward.host
                                                            : parse_port(item.substr(colon + 1), value);
            if (!hosts.insert(forward.host).second)
                throw Error("host port " + std::to_string(forward.host) + " is given twice",
                            "give each host port once");
            forwards.push_back(forward);
            if (comma == std::string_view::npos)
                break;
            rest = rest.substr(comma + 1);
        }
    }
    return forwards;
}

std::string format_port_forwards(const std::vector<PortForward>& ports) {
    std::string text;
    for (const PortForward& port : ports) {
        if (!text.empty())
            text += ",";
        text += std::to_string(port.host);
        if (port.guest != port.host)
            text += ":" + std::to_string(port.guest);
    }
    return text;
}

} // namespace ops
