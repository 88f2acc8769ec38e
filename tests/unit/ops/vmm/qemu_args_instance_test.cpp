// Golden argument vectors for background instances (ops/vmm/qemu_args.cpp with console_log,
// qmp_socket and network set). Boot the new command line by hand before changing these.
#include "ops/vmm/qemu_args.h"

#include <gtest/gtest.h>

namespace ops {
namespace {

RunRequest instance_request() {
    RunRequest request;
    request.kernel = "/opt/ops/kernel.elf";
    request.image = "/h/.ops/instances/web/disk.raw";
    request.memory_mib = 256;
    request.realtime_ns = 1700000000000000000ull;
    request.console_log = "/h/.ops/instances/web/console.log";
    request.qmp_socket = "/h/.ops/instances/web/qmp.sock";
    return request;
}

TEST(QemuArgsInstance, ConsoleToFileAndQmpGolden) {
    std::vector<std::string> expected = {
        "qemu-system-x86_64",
        "-machine", "microvm,x-option-roms=off,rtc=off,acpi=off",
        "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
        "-accel", "tcg", "-cpu", "max",
        "-m", "256M", "-smp", "1",
        "-kernel", "/opt/ops/kernel.elf",
        "-chardev", "file,id=con,path=/h/.ops/instances/web/console.log",
        "-serial", "chardev:con",
        "-chardev", "file,id=exitc,path=/h/.ops/instances/web/exit",
        "-device", "isa-serial,chardev=exitc,iobase=0x2f8,irq=3",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-drive", "file=/h/.ops/instances/web/disk.raw,format=raw,if=none,id=hd0",
        "-global", "virtio-mmio.force-legacy=false",
        "-device", "virtio-blk-device,drive=hd0",
        "-chardev", "socket,id=qmp,path=/h/.ops/instances/web/qmp.sock,server=on,wait=off",
        "-mon", "chardev=qmp,mode=control",
        "-append", "ops.realtime=1700000000000000000",
    };
    EXPECT_EQ(qemu_argv(instance_request(), "/h/.ops/instances/web/exit"), expected);
}

TEST(QemuArgsInstance, UserNetworkWithForwardsAfterTheDisk) {
    RunRequest request = instance_request();
    request.qmp_socket.clear();
    request.network.mode = NetworkMode::User;
    request.network.mac = "52:54:00:12:34:56";
    request.network.forwards = {{8080, 80}, {9000, 9000}, {5353, 53, Protocol::Udp}};
    auto argv = qemu_argv(request, "/r/exit");
    std::vector<std::string> expected_tail = {
        "-device", "virtio-blk-device,drive=hd0",
        "-netdev",
        "user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=tcp:127.0.0.1:9000-:9000,"
        "hostfwd=udp:127.0.0.1:5353-:53",
        "-device", "virtio-net-device,netdev=n0,mac=52:54:00:12:34:56",
        "-append", "ops.realtime=1700000000000000000",
    };
    ASSERT_GE(argv.size(), expected_tail.size());
    EXPECT_EQ(std::vector<std::string>(argv.end() - expected_tail.size(), argv.end()), expected_tail);
}

TEST(QemuArgsInstance, RestrictedUserNetwork) {
    RunRequest request = instance_request();
    request.network.mode = NetworkMode::User;
    request.network.restrict = true;
    auto argv = qemu_argv(request, "/r/exit");
    auto netdev = std::find(argv.begin(), argv.end(), "-netdev");
    ASSERT_NE(netdev, argv.end());
    EXPECT_EQ(*(netdev + 1), "user,id=n0,restrict=on");
    EXPECT_EQ(*(netdev + 3), "virtio-net-device,netdev=n0");  // no MAC given: QEMU's own
}

TEST(QemuArgsInstance, StaticAddressSetsTheUserNetworkAndForwardTarget) {
    RunRequest request = instance_request();
    request.network.mode = NetworkMode::User;
    request.network.user_net = "192.168.7.0/24";
    request.network.user_host = "192.168.7.1";
    request.network.user_dns = "192.168.7.3";
    request.network.guest_ipv4 = "192.168.7.20";
    request.network.forwards = {{8080, 80}};
    auto argv = qemu_argv(request, "/r/exit");
    auto netdev = std::find(argv.begin(), argv.end(), "-netdev");
    ASSERT_NE(netdev, argv.end());
    EXPECT_EQ(*(netdev + 1), "user,id=n0,net=192.168.7.0/24,host=192.168.7.1,dns=192.168.7.3,"
                             "dhcpstart=192.168.7.20,hostfwd=tcp:127.0.0.1:8080-192.168.7.20:80");
}

TEST(QemuArgsInstance, TapNetwork) {
    RunRequest request = instance_request();
    request.network.mode = NetworkMode::Tap;
    request.network.tap = "opstap7";
    request.network.mac = "52:54:00:aa:bb:cc";
    auto argv = qemu_argv(request, "/r/exit");
    auto netdev = std::find(argv.begin(), argv.end(), "-netdev");
    ASSERT_NE(netdev, argv.end());
    EXPECT_EQ(std::vector<std::string>(netdev, netdev + 4),
              (std::vector<std::string>{"-netdev", "tap,id=n0,ifname=opstap7,script=no,downscript=no",
                                        "-device", "virtio-net-device,netdev=n0,mac=52:54:00:aa:bb:cc"}));
}

TEST(QemuArgsInstance, NoNetworkModeNoNic) {
    auto argv = qemu_argv(instance_request(), "/r/exit");
    EXPECT_EQ(std::find(argv.begin(), argv.end(), "-netdev"), argv.end());
}

TEST(QemuArgsInstance, CommasInInstancePathsAreEscaped) {
    RunRequest request = instance_request();
    request.console_log = "/a,b/console.log";
    request.qmp_socket = "/a,b/qmp.sock";
    auto argv = qemu_argv(request, "/r/exit");
    auto has = [&](const std::string& value) {
        return std::find(argv.begin(), argv.end(), value) != argv.end();
    };
    EXPECT_TRUE(has("file,id=con,path=/a,,b/console.log"));
    EXPECT_TRUE(has("socket,id=qmp,path=/a,,b/qmp.sock,server=on,wait=off"));
}

} // namespace
} // namespace ops
