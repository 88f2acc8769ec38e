// run.cpp: `ops run [elf]`: build the image (unless --skipbuild), then boot it in the foreground.
// The exit status is the program's own (docs/exit-status.md).
#include "ops/base/error.h"
#include "ops/base/progress.h"
#include "ops/cli/commands.h"
#include "ops/cli/common_options.h"
#include "ops/cli/context.h"
#include "ops/cli/run.h"
#include "ops/config/network_config.h"
#include "ops/hostnet/network.h"
#include "ops/hostnet/tap.h"
#include "ops/image/build.h"
#include "ops/image/kernel.h"
#include "ops/store/paths.h"
#include "ops/vmm/accel.h"
#include "ops/vmm/interrupt_guard.h"
#include "ops/vmm/launcher.h"
#include "ops/volume/attach.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>

namespace ops {

namespace {

struct RunCommand {
    BuildFlags build;
    RunFlags run;
};

} // namespace

void run_config(Context& context, const Config& config, bool skip_build,
                const ImageBuilder& builder) {
    // Network first: a busy host port or a tap that cannot be made fails before anything is
    // built. The tap (and bridge) ops creates here are removed when `tap` goes out of scope;
    // ^C before QEMU runs is held back until the build is done, so that still happens.
    check_host_ports_available(port_forwards(config.run));
    std::optional<InterruptGuard> interrupts;
    std::optional<HostTap> tap;
    if (uses_tap(config.run))
        interrupts.emplace();
    if (uses_tap(config.run))
        tap.emplace(config.run.tap_name.empty() ? default_tap_name() : config.run.tap_name,
                    config.run.bridged ? (config.run.bridge_name.empty() ? kDefaultBridgeName
                                                                         : config.run.bridge_name)
                                       : "",
                    config.run.bridge_ip_address);

    StorePaths store = StorePaths::from_environment(context.environment);
    std::vector<AttachedVolume> volumes = volumes_to_attach(store, config);
    std::filesystem::path image = store.ensure_images() / image_name_for(config);
    std::filesystem::path kernel =
        find_kernel(config, context.environment, context.executable_directory);

    if (skip_build) {
        std::error_code error;
        if (!std::filesystem::is_regular_file(image, error))
            throw Error("--skipbuild: there is no image " + image.string(),
                        "run once without --skipbuild to build it");
    } else {
        Progress progress(context.terminal, "building image " + image.filename().string());
        BuildRequest build{config, image, kernel};
        if (builder)
            builder(build);
        else
            build_image(build);
    }

    AccelRequest accel_wanted = accel_request(config.run.accel, context.environment);
    AccelDecision accel = decide_accel(
        accel_wanted, accel_wanted == AccelRequest::Auto ? probe_host_accel() : AccelProbe{});
    if (!accel.notice.empty())
        std::fprintf(stderr, "%s\n", accel.notice.c_str());
    if (config.run.debug)
        std::fprintf(stderr, "ops: debug mode: QEMU waits for gdb on localhost:%u "
                             "(gdb -ex 'target remote :%u')\n",
                     config.run.gdb_port, config.run.gdb_port);

    RunRequest request;
    request.kernel = kernel;
    request.image = image;
    request.memory_mib = config.run.memory_mib;
    request.cpus = config.run.cpus;
    request.accel = accel.accel;
    request.machine = config.run.machine;
    request.gdb_port = config.run.gdb_port;
    request.wait_for_gdb = config.run.debug;
    request.verbose = config.run.verbose;
    request.volumes = volumes;
    request.network = guest_network_for(config.run, tap ? tap->setup().tap : "");
    // From here the launcher forwards the signals to QEMU; the guard stays installed beneath
    // it so the tap's removal at the end is not cut short either.
    if (interrupts)
        interrupts->throw_if_interrupted();

    RunOutcome outcome = run_vm(request);
    if (!outcome.message.empty())
        throw Error(outcome.message, "", outcome.exit_status);
    context.exit_status = outcome.exit_status;
}

void add_run_command(CLI::App& app, Context& context) {
    auto command = std::make_shared<RunCommand>();
    add_build_flags(app, command->build);
    add_run_flags(app, command->run);
    app.footer("Example:\n  ops run ./myapp -a hello -e DEBUG=1 -m 512M");
    app.callback([&context, command] {
        run_config(context, resolve_config(command->build, &command->run), command->run.skip_build);
    });
}

} // namespace ops
