// commands.h: every ops command. Each command lives in ops/cli/<command>.cpp, fills a typed
// request and calls the library function of the same name.
#pragma once

namespace CLI {
class App;
}

namespace ops {

struct Context;

void add_run_command(CLI::App& app, Context& context);
void add_build_command(CLI::App& app, Context& context);
void add_version_command(CLI::App& app, Context& context);

// ops/cli/instance/: background instances.
void add_instance_create_command(CLI::App& app, Context& context);
void add_instance_list_command(CLI::App& app, Context& context);
void add_instance_logs_command(CLI::App& app, Context& context);
void add_instance_stop_command(CLI::App& app, Context& context);
void add_instance_start_command(CLI::App& app, Context& context);
void add_instance_reboot_command(CLI::App& app, Context& context);
void add_instance_delete_command(CLI::App& app, Context& context);

// ops/cli/network/: host bridges with a DHCP server.
void add_network_create_command(CLI::App& app, Context& context);
void add_network_list_command(CLI::App& app, Context& context);
void add_network_delete_command(CLI::App& app, Context& context);

// ops/cli/image/: images in ~/.ops/images, and offline readers of image files.
void add_image_create_command(CLI::App& app, Context& context);
void add_image_list_command(CLI::App& app, Context& context);
void add_image_delete_command(CLI::App& app, Context& context);
void add_image_resize_command(CLI::App& app, Context& context);
void add_image_ls_command(CLI::App& app, Context& context);
void add_image_cat_command(CLI::App& app, Context& context);
void add_image_cp_command(CLI::App& app, Context& context);
void add_image_tree_command(CLI::App& app, Context& context);
void add_image_env_command(CLI::App& app, Context& context);

// ops/cli/volume/: TFS data volumes in ~/.ops/volumes.
void add_volume_create_command(CLI::App& app, Context& context);
void add_volume_list_command(CLI::App& app, Context& context);
void add_volume_delete_command(CLI::App& app, Context& context);
void add_volume_ls_command(CLI::App& app, Context& context);
void add_volume_cat_command(CLI::App& app, Context& context);
void add_volume_cp_command(CLI::App& app, Context& context);

// ops/cli/pkg/: packages in ~/.ops/local_packages and ~/.ops/packages (offline).
void add_pkg_list_command(CLI::App& app, Context& context);
void add_pkg_add_command(CLI::App& app, Context& context);
void add_pkg_describe_command(CLI::App& app, Context& context);
void add_pkg_contents_command(CLI::App& app, Context& context);
void add_pkg_load_command(CLI::App& app, Context& context);
void add_pkg_from_run_command(CLI::App& app, Context& context);
void add_pkg_delete_command(CLI::App& app, Context& context);

void add_profile_command(CLI::App& app, Context& context);
void add_completion_command(CLI::App& app, Context& context);

// Builds the whole command tree on `app` (the one place that lists the commands).
void build_command_tree(CLI::App& app, Context& context);

} // namespace ops
