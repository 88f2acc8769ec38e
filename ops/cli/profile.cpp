// profile.cpp: `ops profile`: versions, QEMU, acceleration and the kernel, for bug reports and
// "why is it slow" (ops/vmm/host_profile.cpp gathers them).
#include "ops/cli/commands.h"
#include "ops/cli/context.h"
#include "ops/cli/output.h"
#include "ops/vmm/host_profile.h"

#include <CLI/CLI.hpp>
#include <cstdio>

namespace ops {

void add_profile_command(CLI::App& app, Context& context) {
    app.footer("Example:\n  ops profile\n  ops profile --json");
    app.callback([&context] {
        HostProfile profile = host_profile(context.environment, context.executable_directory);
        if (context.json) {
            print_json({{"ops_version", profile.ops_version},
                        {"os", profile.os},
                        {"arch", profile.arch},
                        {"qemu_path", profile.qemu_path},
                        {"qemu_version", profile.qemu_version},
                        {"accel", profile.kvm ? "kvm" : "tcg"},
                        {"accel_reason", profile.accel_reason},
                        {"kernel_path", profile.kernel_path},
                        {"kernel_problem", profile.kernel_problem}});
            return;
        }
        std::printf("Ops version: %s\n", profile.ops_version.c_str());
        std::printf("OS: %s (%s)\n", profile.os.c_str(), profile.arch.c_str());
        if (profile.qemu_path.empty())
            std::printf("QEMU: not found on PATH (install qemu-system-x86)\n");
        else
            std::printf("QEMU: %s (%s)\n", profile.qemu_path.c_str(),
                        profile.qemu_version.empty() ? "version unknown"
                                                     : profile.qemu_version.c_str());
        if (profile.kvm)
            std::printf("Accel: KVM\n");
        else
            std::printf("Accel: TCG (emulation): %s\n", profile.accel_reason.c_str());
        if (profile.kernel_path.empty())
            std::printf("Kernel: not found: %s\n", profile.kernel_problem.c_str());
        else
            std::printf("Kernel: %s\n", profile.kernel_path.c_str());
    });
}

} // namespace ops
