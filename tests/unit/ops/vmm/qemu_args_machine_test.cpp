// qemu_args_machine_test.cpp: --machine q35 (virtio over PCI, qboot) against a golden vector, and
// the device models the disk, volumes and NIC get on each machine.
#include "ops/vmm/qemu_args.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ops {
namespace {

RunRequest q35_request() {
    RunRequest request;
    request.kernel = "/opt/ops/kernel.elf";
    request.image = "/home/u/.ops/images/hello";
    request.machine = Machine::Q35;
    return request;
}

bool contains(const std::vector<std::string>& argv, const std::string& value) {
    return std::find(argv.begin(), argv.end(), value) != argv.end();
}

// Booted by hand: tests/vm/pci_test.cpp boots this command line for real.
TEST(QemuArgsMachine, Q35Golden) {
    // clang-format off: one option and its value per line, as ops run -v prints them.
    std::vector<std::string> expected = {
        "qemu-system-x86_64",
        "-machine",
        "q35,sata=off,smbus=off,vmport=off,i8042=off,hpet=off",
        "-bios",
        "qboot.rom",
        "-nodefaults",
        "-no-user-config",
        "-nographic",
        "-no-reboot",
        "-accel",
        "tcg",
        "-cpu",
        "max",
        "-m",
        "2048M",
        "-smp",
        "1",
        "-kernel",
        "/opt/ops/kernel.elf",
        "-chardev",
        "stdio,id=con,signal=off",
        "-serial",
        "chardev:con",
        "-chardev",
        "file,id=exitc,path=/tmp/ops-run-x/exit",
        "-device",
        "isa-serial,chardev=exitc,iobase=0x2f8,irq=3",
        "-device",
        "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-drive",
        "file=/home/u/.ops/images/hello,format=raw,if=none,id=hd0",
        "-device",
        "virtio-blk-pci,disable-legacy=on,drive=hd0",
    };
    // clang-format on
    EXPECT_EQ(qemu_argv(q35_request(), "/tmp/ops-run-x/exit"), expected);
}

TEST(QemuArgsMachine, MicrovmIsTheDefault) {
    RunRequest request;
    EXPECT_EQ(request.machine, Machine::Microvm);
    request.kernel = "/k";
    request.image = "/i";
    auto argv = qemu_argv(request, "/r/exit");
    EXPECT_TRUE(contains(argv, "microvm,x-option-roms=off,rtc=off,acpi=off"));
    EXPECT_FALSE(contains(argv, "-bios"));
    EXPECT_TRUE(contains(argv, "virtio-blk-device,drive=hd0"));
}

TEST(QemuArgsMachine, Q35VolumesAndNicArePciDevices) {
    RunRequest request = q35_request();
    request.volumes = {{"/v/data.raw", true}};
    request.network.mode = NetworkMode::User;
    request.network.mac = "52:54:00:12:34:56";
    auto argv = qemu_argv(request, "/r/exit");
    EXPECT_TRUE(contains(argv, "virtio-blk-pci,disable-legacy=on,drive=vol0"));
    EXPECT_TRUE(contains(argv, "virtio-net-pci,disable-legacy=on,netdev=n0,romfile=,"
                               "mac=52:54:00:12:34:56"));
    // Nothing of virtio-mmio is left on a PCI machine.
    for (const std::string& argument : argv)
        EXPECT_EQ(argument.find("virtio-mmio"), std::string::npos) << argument;
    // Disk, volume, NIC: the order the kernel finds them in (PCI slots follow it).
    auto position = [&](const std::string& value) {
        return std::find(argv.begin(), argv.end(), value) - argv.begin();
    };
    EXPECT_LT(position("virtio-blk-pci,disable-legacy=on,drive=hd0"),
              position("virtio-blk-pci,disable-legacy=on,drive=vol0"));
}

TEST(QemuArgsMachine, Q35TapNic) {
    RunRequest request = q35_request();
    request.network.mode = NetworkMode::Tap;
    request.network.tap = "tap7";
    auto argv = qemu_argv(request, "/r/exit");
    EXPECT_TRUE(contains(argv, "tap,id=n0,ifname=tap7,script=no,downscript=no"));
    EXPECT_TRUE(contains(argv, "virtio-net-pci,disable-legacy=on,netdev=n0,romfile="));
}

TEST(QemuArgsMachine, Q35KeepsKvmAndSmp) {
    RunRequest request = q35_request();
    request.accel = Accel::Kvm;
    request.cpus = 2;
    auto argv = qemu_argv(request, "/r/exit");
    auto accel = std::find(argv.begin(), argv.end(), "-accel");
    ASSERT_NE(accel, argv.end());
    EXPECT_EQ(*(accel + 1), "kvm");
    auto smp = std::find(argv.begin(), argv.end(), "-smp");
    ASSERT_NE(smp, argv.end());
    EXPECT_EQ(*(smp + 1), "2");
}

} // namespace
} // namespace ops
