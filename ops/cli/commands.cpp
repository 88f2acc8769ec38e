// commands.cpp: the command tree.
#include "ops/cli/commands.h"
#include "ops/cli/common_options.h"

#include <CLI/CLI.hpp>

namespace ops {

void build_command_tree(CLI::App& app, Context& context) {
    app.require_subcommand(1);
    app.fallthrough(false);
    add_run_command(*app.add_subcommand("run", "Build an image from an ELF and boot it in QEMU"),
                    context);
    add_build_command(*app.add_subcommand("build", "Build an image from an ELF"), context);
    add_version_command(*app.add_subcommand("version", "Print the ops version"), context);

    CLI::App& instance = *app.add_subcommand("instance", "Run images in the background");
    instance.require_subcommand(1);
    add_instance_create_command(*instance.add_subcommand("create", "Boot an image in the background"),
                                context);
    add_instance_list_command(*instance.add_subcommand("list", "List instances and their state"),
                              context);
    add_instance_logs_command(*instance.add_subcommand("logs", "Print an instance's console"),
                              context);
    add_instance_stop_command(*instance.add_subcommand("stop", "Stop a running instance"), context);
    add_instance_start_command(*instance.add_subcommand("start", "Boot a stopped instance again"),
                               context);
    add_instance_reboot_command(*instance.add_subcommand("reboot", "Restart an instance"), context);
    add_instance_delete_command(
        *instance.add_subcommand("delete", "Stop an instance and remove it (not its image)"), context);

    CLI::App& network = *app.add_subcommand("network", "Host bridges with a DHCP server");
    network.require_subcommand(1);
    add_network_create_command(
        *network.add_subcommand("create", "Create a bridge with a DHCP server"), context);
    add_network_list_command(*network.add_subcommand("list", "List networks"), context);
    add_network_delete_command(
        *network.add_subcommand("delete", "Remove a bridge and its DHCP server"), context);

    CLI::App& image = *app.add_subcommand("image", "Manage images and read files in them");
    image.require_subcommand(1);
    add_image_create_command(*image.add_subcommand("create", "Build an image from an ELF"),
                             context);
    add_image_list_command(*image.add_subcommand("list", "List images in ~/.ops/images"),
                           context);
    add_image_delete_command(*image.add_subcommand("delete", "Delete images"), context);
    add_image_resize_command(
        *image.add_subcommand("resize", "Grow an image's root file system"), context);
    add_image_ls_command(*image.add_subcommand("ls", "List files in an image"), context);
    add_image_cat_command(*image.add_subcommand("cat", "Print a file of an image"), context);
    add_image_cp_command(*image.add_subcommand("cp", "Copy files out of an image"), context);
    add_image_tree_command(*image.add_subcommand("tree", "Show the file tree of an image"),
                           context);
    add_image_env_command(*image.add_subcommand("env", "Show the environment of an image"),
                          context);

    CLI::App& volume = *app.add_subcommand("volume", "Manage TFS data volumes");
    volume.require_subcommand(1);
    add_volume_create_command(*volume.add_subcommand("create", "Create a volume"), context);
    add_volume_list_command(*volume.add_subcommand("list", "List volumes"), context);
    add_volume_delete_command(*volume.add_subcommand("delete", "Delete volumes"), context);
    add_volume_ls_command(*volume.add_subcommand("ls", "List files in a volume"), context);
    add_volume_cat_command(*volume.add_subcommand("cat", "Print a file of a volume"), context);
    add_volume_cp_command(*volume.add_subcommand("cp", "Copy files out of a volume"), context);

    CLI::App& pkg = *app.add_subcommand("pkg", "Packages: add, list, load and make them");
    pkg.require_subcommand(1);
    add_pkg_list_command(*pkg.add_subcommand("list", "List local or downloaded packages"), context);
    add_pkg_add_command(*pkg.add_subcommand("add", "Add a package directory or .tar.gz locally"),
                        context);
    add_pkg_describe_command(*pkg.add_subcommand("describe", "Print a package's README"), context);
    add_pkg_contents_command(*pkg.add_subcommand("contents", "List a package's files"), context);
    add_pkg_load_command(*pkg.add_subcommand("load", "Build and run a package"), context);
    add_pkg_from_run_command(
        *pkg.add_subcommand("from-run", "Make a local package from a program and its config"),
        context);
    add_pkg_delete_command(*pkg.add_subcommand("delete", "Delete a local package"), context);

    add_profile_command(
        *app.add_subcommand("profile", "Show versions, QEMU, acceleration and the kernel"),
        context);
    add_completion_command(
        *app.add_subcommand("completion", "Print a shell completion script"), context);

    // Last: the global flags go on every command built above.
    add_global_flags(app, context);
}

} // namespace ops
