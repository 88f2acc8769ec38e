// list.cpp: `ops network list [-j]`: recorded networks, and whether their bridge and DHCP
// server are still there.
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/hostnet/network.h"
#include "ops/store/paths.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

namespace ops {

namespace {

std::string state_text(const NetworkStatus& status) {
    if (status.bridge_up && status.dhcp_running)
        return "up";
    if (!status.bridge_up)
        return "no-bridge";
    return "no-dhcp";
}

void list(const Context& context, bool json_output) {
    Networks networks(StorePaths::from_environment(context.environment), NetworkHost::real());
    std::vector<NetworkStatus> statuses = networks.list();
    if (json_output) {
        nlohmann::json array = nlohmann::json::array();
        for (const NetworkStatus& status : statuses)
            array.push_back({
                {"name", status.record.name},
                {"subnet", status.record.subnet.to_string()},
                {"gateway", format_ipv4(status.record.subnet.gateway())},
                {"dhcp_range", {format_ipv4(status.record.subnet.dhcp_first()),
                                format_ipv4(status.record.subnet.dhcp_last())}},
                {"status", state_text(status)},
            });
        std::printf("%s\n", array.dump(2).c_str());
        return;
    }
    std::printf("%-16s %-20s %-16s %s\n", "NAME", "SUBNET", "GATEWAY", "STATUS");
    for (const NetworkStatus& status : statuses)
        std::printf("%-16s %-20s %-16s %s\n", status.record.name.c_str(),
                    status.record.subnet.to_string().c_str(),
                    format_ipv4(status.record.subnet.gateway()).c_str(), state_text(status).c_str());
}

} // namespace

void add_network_list_command(CLI::App& app, Context& context) {
    auto json_output = std::make_shared<bool>(false);
    app.add_flag("-j,--json", *json_output, "Print the list as JSON");
    app.callback([&context, json_output] { list(context, *json_output); });
}

} // namespace ops
