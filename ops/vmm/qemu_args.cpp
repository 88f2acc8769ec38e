// qemu_args.cpp: composes the QEMU command line. Every option here was checked against QEMU 7.2's
// microvm and q35 machines; each one is explained because boot time and reproducibility depend
// on them.
#include "ops/vmm/qemu_args.h"

#include <cstdio>

namespace ops {

namespace {
std::string hex(unsigned value) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%x", value);
    return buffer;
}
// -netdev user: slirp's NAT, DHCP server and DNS forwarder, plus the host port forwards.
std::string user_netdev(const GuestNetwork& network) {
    std::string netdev = "user,id=n0";
    if (network.restrict)
        netdev += ",restrict=on";
    if (!network.user_net.empty())
        netdev += ",net=" + network.user_net + ",host=" + network.user_host +
                  ",dns=" + network.user_dns + ",dhcpstart=" + network.guest_ipv4;
    for (const PortForward& forward : network.forwards)
        netdev += std::string(",hostfwd=") + protocol_name(forward.protocol) + ":" +
                  kForwardAddress + ":" + std::to_string(forward.host) + "-" +
                  network.guest_ipv4 + ":" + std::to_string(forward.guest);
    return netdev;
}

// The virtio device model for the machine's transport. On q35 the devices are modern-only
// (disable-legacy=on: virtio 1.0 through the PCI capabilities, as the kernel drives them).
std::string virtio_device(Machine machine, const std::string& kind) {
    if (machine == Machine::Q35)
        return "virtio-" + kind + "-pci,disable-legacy=on";
    return "virtio-" + kind + "-device";
}

void append_network_args(std::vector<std::string>& argv, Machine machine,
                         const GuestNetwork& network) {
    std::string netdev;
    switch (network.mode) {
    case NetworkMode::None:
        return;
    case NetworkMode::User:
        netdev = user_netdev(network);
        break;
    case NetworkMode::Tap:
        // script=no/downscript=no: ops (hostnet/tap.cpp) created and attached the tap already.
        netdev = "tap,id=n0,ifname=" + qemu_option_value(network.tap) +
                 ",script=no,downscript=no";
        break;
    }
    std::string device = virtio_device(machine, "net") + ",netdev=n0";
    // No option ROM (iPXE): nothing on q35 runs it, and loading it costs start-up time.
    if (machine == Machine::Q35)
        device += ",romfile=";
    if (!network.mac.empty())
        device += ",mac=" + network.mac;
    argv.insert(argv.end(), {"-netdev", netdev, "-device", device});
}

} // namespace

std::string qemu_option_value(std::string_view value) {
    std::string result;
    for (char c : value) {
        result += c;
        if (c == ',')
            result += ',';
    }
    return result;
}

std::vector<std::string> qemu_argv(const RunRequest& request,
                                   const std::filesystem::path& exit_channel) {
    std::vector<std::string> argv = {request.qemu_binary};
    if (request.machine == Machine::Q35) {
        argv.insert(argv.end(), {
            // q35: PCI Express, virtio over PCI with MSI-X (no I/O APIC routing, no ACPI
            // needed by the kernel). Off: the SATA controller, SMBus, VMware port, PS/2
            // controller and HPET, none of which the kernel uses.
            "-machine", "q35,sata=off,smbus=off,vmport=off,i8042=off,hpet=off",
            // qboot instead of SeaBIOS: it starts the PVH kernel directly and sooner
            // (ARCHITECTURE.md "Boot timing"). It assigns no BARs; the kernel does.
            "-bios", "qboot.rom",
        });
    } else {
        argv.insert(argv.end(), {
            // microvm: virtio-mmio, no PCI, fastest start. No option ROMs (nothing to run
            // them), no RTC (the kernel keeps time with the TSC/APIC), no ACPI tables: the
            // kernel finds the virtio-mmio devices on the command line QEMU appends
            // (auto-kernel-cmdline).
            "-machine", "microvm,x-option-roms=off,rtc=off,acpi=off",
        });
    }
    argv.insert(argv.end(), {
        // Nothing we did not ask for: no default NIC, monitor, display, or config files.
        "-nodefaults", "-no-user-config", "-nographic",
        // A triple fault stops QEMU instead of rebooting into the same crash forever.
        "-no-reboot",
    });
    if (request.accel == Accel::Kvm) {
        argv.insert(argv.end(), {"-accel", "kvm", "-cpu", "host"});
    } else {
        argv.insert(argv.end(), {"-accel", "tcg", "-cpu", "max"});
    }
    argv.insert(argv.end(), {
        "-m", std::to_string(request.memory_mib) + "M",
        "-smp", std::to_string(request.cpus),
        // -kernel takes the path verbatim (it is not an option string), so no comma escaping.
        "-kernel", request.kernel.string(),
    });
    if (request.console_log.empty()) {
        // Console: the machine's built-in UART at 0x3f8 goes to QEMU's stdout, which is ops's
        // stdout. The launcher gives QEMU /dev/null as stdin, so the terminal is never put into
        // raw mode; signal=off keeps QEMU from handling ^C itself should stdin be a terminal.
        argv.insert(argv.end(), {"-chardev", "stdio,id=con,signal=off"});
    } else {
        // A background instance: the console goes to a file that `ops instance logs` reads.
        argv.insert(argv.end(),
                    {"-chardev", "file,id=con,path=" + qemu_option_value(request.console_log.string())});
    }
    argv.insert(argv.end(), {
        "-serial", "chardev:con",
        // Exit channel: a second UART whose output is a file in the run directory; the kernel
        // writes exactly one line there before stopping (docs/exit-status.md).
        "-chardev", "file,id=exitc,path=" + qemu_option_value(exit_channel.string()),
        "-device", "isa-serial,chardev=exitc,iobase=" + hex(kExitChannelPort) + ",irq=3",
        "-device", "isa-debug-exit,iobase=" + hex(kDebugExitPort) + ",iosize=0x04",
        "-drive", "file=" + qemu_option_value(request.image.string()) + ",format=raw,if=none,id=hd0",
    });
    if (request.machine == Machine::Microvm) {
        // virtio-mmio devices speak virtio 1.0 (QEMU defaults them to the legacy interface).
        argv.insert(argv.end(), {"-global", "virtio-mmio.force-legacy=false"});
    }
    argv.insert(argv.end(), {"-device", virtio_device(request.machine, "blk") + ",drive=hd0"});
    for (std::size_t i = 0; i < request.volumes.size(); i++) {
        std::string id = "vol" + std::to_string(i);
        argv.insert(argv.end(),
                    {"-drive", "file=" + qemu_option_value(request.volumes[i].file.string()) +
                                   ",format=raw,if=none,id=" + id +
                                   (request.volumes[i].read_only ? ",readonly=on" : ""),
                     "-device", virtio_device(request.machine, "blk") + ",drive=" + id});
    }
    if (!request.qmp_socket.empty()) {
        // QMP on a unix socket QEMU creates; wait=off lets the guest start without a client.
        argv.insert(argv.end(), {
            "-chardev", "socket,id=qmp,path=" + qemu_option_value(request.qmp_socket.string()) +
                            ",server=on,wait=off",
            "-mon", "chardev=qmp,mode=control",
        });
    }
    // The NIC comes after virtio-blk, so the disk keeps the first virtio-mmio slot (on q35,
    // the first PCI slot after the host bridge).
    append_network_args(argv, request.machine, request.network);
    if (request.realtime_ns != 0)
        argv.insert(argv.end(), {"-append", "ops.realtime=" + std::to_string(request.realtime_ns)});
    if (request.gdb_port != 0)
        argv.insert(argv.end(), {"-gdb", "tcp::" + std::to_string(request.gdb_port)});
    if (request.wait_for_gdb)
        argv.push_back("-S");
    return argv;
}

std::string shell_quote(std::string_view argument) {
    constexpr std::string_view kSafe =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";
    if (!argument.empty() && argument.find_first_not_of(kSafe) == std::string_view::npos)
        return std::string(argument);
    std::string result = "'";
    for (char c : argument) {
        if (c == '\'')
            result += "'\\''";
        else
            result += c;
    }
    return result + "'";
}

std::string shell_command_line(const std::vector<std::string>& argv) {
    std::string line;
    for (auto& argument : argv) {
        if (!line.empty())
            line += ' ';
        line += shell_quote(argument);
    }
    return line;
}

} // namespace ops
