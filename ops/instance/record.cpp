// record.cpp: instance.json <-> InstanceRecord, instance names and -p parsing.
#include "ops/instance/record.h"

#include "ops/base/error.h"
#include "ops/hostnet/network.h"

#include <cctype>
#include <nlohmann/json.hpp>

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

// "52:54:00:12:ab:ff": six two-digit hex bytes; it goes into QEMU's option string.
bool is_valid_mac(const std::string& text) {
    if (text.size() != 17)
        return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool hex = std::isxdigit(static_cast<unsigned char>(text[i]));
        if (i % 3 == 2 ? text[i] != ':' : !hex)
            return false;
    }
    return true;
}

} // namespace

std::string instance_record_to_json(const InstanceRecord& record) {
    json ports = json::array();
    for (const PortForward& port : record.ports)
        ports.push_back({{"host", port.host},
                         {"guest", port.guest},
                         {"protocol", protocol_name(port.protocol)}});
    json volumes = json::array();
    for (const AttachedVolume& volume : record.volumes)
        volumes.push_back({{"file", volume.file.string()}, {"read_only", volume.read_only}});
    json object = {
        {"version", kInstanceRecordVersion},
        {"name", record.name},
        {"image", record.image.string()},
        {"disk", record.disk.string()},
        {"kernel", record.kernel.string()},
        {"memory_mib", record.memory_mib},
        {"cpus", record.cpus},
        {"machine", machine_name(record.machine)},
        {"ports", ports},
        {"created", record.created},
        {"started", record.started},
        {"pid", record.pid},
        {"argv", record.argv},
        {"accel", record.accel},
        {"mac", record.mac},
        {"volumes", volumes},
    };
    if (!record.tap.tap.empty())
        object["tap"] = {
            {"name", record.tap.tap},
            {"bridge", record.tap.bridge},
            {"created_tap", record.tap.created_tap},
            {"created_bridge", record.tap.created_bridge},
            {"attached_tap", record.tap.attached_tap},
        };
    return object.dump(2) + "\n";
}

InstanceRecord instance_record_from_json(std::string_view text,
                                         const std::filesystem::path& source) {
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
    // "machine" came later: records without it ran on microvm.
    if (object.contains("machine")) {
        std::optional<Machine> machine =
            parse_machine(field<std::string>(object, "machine", source));
        if (!machine)
            bad_record(source, "unknown machine");
        record.machine = *machine;
    }
    record.created = field<std::int64_t>(object, "created", source);
    record.started = field<std::int64_t>(object, "started", source);
    record.pid = field<int>(object, "pid", source);
    if (record.pid < 0)
        bad_record(source, "negative pid");
    record.argv = field<std::vector<std::string>>(object, "argv", source);
    record.accel = field<std::string>(object, "accel", source);
    // "mac" and "tap" came later: records without them are user-network instances.
    if (object.contains("mac")) {
        record.mac = field<std::string>(object, "mac", source);
        if (!record.mac.empty() && !is_valid_mac(record.mac))
            bad_record(source, "invalid mac");
    }
    if (object.contains("tap")) {
        json tap = field<json>(object, "tap", source);
        if (!tap.is_object())
            bad_record(source, "\"tap\" is not an object");
        record.tap.tap = field<std::string>(tap, "name", source);
        record.tap.bridge = field<std::string>(tap, "bridge", source);
        record.tap.created_tap = field<bool>(tap, "created_tap", source);
        record.tap.created_bridge = field<bool>(tap, "created_bridge", source);
        record.tap.attached_tap = field<bool>(tap, "attached_tap", source);
        // These names reach ip commands at delete: only interface names are accepted.
        if (!is_valid_bridge_name(record.tap.tap) ||
            (!record.tap.bridge.empty() && !is_valid_bridge_name(record.tap.bridge)))
            bad_record(source, "invalid tap or bridge name");
    }
    // "volumes" came later too: records without it attach none.
    if (object.contains("volumes")) {
        json volumes = field<json>(object, "volumes", source);
        if (!volumes.is_array())
            bad_record(source, "\"volumes\" is not an array");
        for (const json& volume : volumes) {
            if (!volume.is_object())
                bad_record(source, "a volume is not an object");
            AttachedVolume attached{field<std::string>(volume, "file", source),
                                    field<bool>(volume, "read_only", source)};
            if (!attached.file.is_absolute())
                bad_record(source, "a volume file is not an absolute path");
            record.volumes.push_back(std::move(attached));
        }
    }
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
        // Records written before UDP forwards existed have no protocol: TCP.
        std::string protocol = port.value("protocol", std::string("tcp"));
        if (protocol != "tcp" && protocol != "udp")
            bad_record(source, "unknown port protocol \"" + protocol + "\"");
        record.ports.push_back({static_cast<std::uint16_t>(host), static_cast<std::uint16_t>(guest),
                                protocol == "udp" ? Protocol::Udp : Protocol::Tcp});
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

std::vector<PortForward> parse_port_forwards(const std::vector<std::string>& values,
                                             const std::vector<std::string>& udp_values) {
    std::vector<PortForward> forwards = parse_port_specs(values, Protocol::Tcp, "-p/--port");
    for (const PortForward& forward : parse_port_specs(udp_values, Protocol::Udp, "--udp"))
        forwards.push_back(forward);
    check_distinct_host_ports(forwards);
    return forwards;
}

std::string format_port_forwards(const std::vector<PortForward>& ports) {
    std::string text;
    for (const PortForward& port : ports) {
        if (!text.empty())
            text += ",";
        text += std::to_string(port.host);
        if (port.guest != port.host)
            text += "-" + std::to_string(port.guest);
        if (port.protocol == Protocol::Udp)
            text += "/udp";
    }
    return text;
}

} // namespace ops
