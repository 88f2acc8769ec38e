// list.cpp: `ops instance list [-j]`: every instance with its state; records of QEMUs that died
// or whose pid was reused are reset to stopped on the way (ops/instance/lifecycle.h).
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/instance/instance_options.h"
#include "ops/volume/attach.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <memory>

namespace ops {

namespace {

std::string utc_time(std::int64_t seconds) {
    if (seconds <= 0)
        return "";
    std::time_t time = static_cast<std::time_t>(seconds);
    std::tm parts{};
    ::gmtime_r(&time, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

std::string state_text(const InstanceStatus& status) {
    if (status.state == InstanceState::Exited)
        return "exited (" + std::to_string(status.exit_code) + ")";
    return instance_state_name(status.state);
}

void list(const Context& context, bool json_output) {
    Instances instances = open_instances(context);
    std::vector<InstanceStatus> statuses = instances.list();
    if (json_output) {
        nlohmann::json array = nlohmann::json::array();
        for (const InstanceStatus& status : statuses) {
            nlohmann::json ports = nlohmann::json::array();
            for (const PortForward& port : status.record.ports)
                ports.push_back({{"host", port.host},
                                 {"guest", port.guest},
                                 {"protocol", protocol_name(port.protocol)}});
            nlohmann::json volumes = nlohmann::json::array();
            for (const AttachedVolume& volume : status.record.volumes)
                volumes.push_back({{"volume", volume_name_of(volume.file)},
                                   {"file", volume.file.string()},
                                   {"read_only", volume.read_only}});
            nlohmann::json entry = {
                {"name", status.record.name},
                {"pid", status.record.pid},
                {"status", instance_state_name(status.state)},
                {"image", status.record.image.string()},
                {"ports", ports},
                {"volumes", volumes},
                {"memory_mib", status.record.memory_mib},
                {"cpus", status.record.cpus},
                {"machine", machine_name(status.record.machine)},
                {"created", utc_time(status.record.created)},
                {"started", utc_time(status.record.started)},
            };
            entry["exit_code"] = status.state == InstanceState::Exited
                                     ? nlohmann::json(status.exit_code)
                                     : nlohmann::json(nullptr);
            array.push_back(entry);
        }
        std::printf("%s\n", array.dump(2).c_str());
        return;
    }
    std::printf("%-24s %-8s %-12s %-24s %-16s %s\n", "NAME", "PID", "STATUS", "IMAGE", "PORTS",
                "CREATED");
    for (const InstanceStatus& status : statuses) {
        std::string pid = status.record.pid ? std::to_string(status.record.pid) : "-";
        std::string ports = format_port_forwards(status.record.ports);
        std::printf("%-24s %-8s %-12s %-24s %-16s %s\n", status.record.name.c_str(), pid.c_str(),
                    state_text(status).c_str(), status.record.image.filename().c_str(),
                    ports.empty() ? "-" : ports.c_str(), utc_time(status.record.created).c_str());
    }
}

} // namespace

void add_instance_list_command(CLI::App& app, Context& context) {
    auto json_output = std::make_shared<bool>(false);
    app.add_flag("-j,--json", *json_output, "Print the list as JSON");
    app.callback([&context, json_output] { list(context, *json_output); });
}

} // namespace ops
