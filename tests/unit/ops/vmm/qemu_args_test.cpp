// Golden argument vectors for ops/vmm/qemu_args.cpp. A change here changes how every VM boots:
// update the golden vector only after booting the new command line by hand.
#include "ops/vmm/qemu_args.h"

#include <gtest/gtest.h>

namespace ops {
namespace {

RunRequest basic_request() {
    RunRequest request;
    request.kernel = "/opt/ops/kernel.elf";
    request.image = "/home/u/.ops/images/hello";
    return request;
}

TEST(QemuArgs, TcgGolden) {
    std::vector<std::string> expected = {
        "qemu-system-x86_64",
        "-machine", "microvm,x-option-roms=off,rtc=off,acpi=off",
        "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
        "-accel", "tcg", "-cpu", "max",
        "-m", "2048M", "-smp", "1",
        "-kernel", "/opt/ops/kernel.elf",
        "-chardev", "stdio,id=con,signal=off", "-serial", "chardev:con",
        "-chardev", "file,id=exitc,path=/tmp/ops-run-x/exit",
        "-device", "isa-serial,chardev=exitc,iobase=0x2f8,irq=3",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-drive", "file=/home/u/.ops/images/hello,format=raw,if=none,id=hd0",
        "-global", "virtio-mmio.force-legacy=false",
        "-device", "virtio-blk-device,drive=hd0",
    };
    EXPECT_EQ(qemu_argv(basic_request(), "/tmp/ops-run-x/exit"), expected);
}

TEST(QemuArgs, KvmGolden) {
    RunRequest request = basic_request();
    request.accel = Accel::Kvm;
    request.memory_mib = 512;
    request.cpus = 4;
    std::vector<std::string> expected = {
        "qemu-system-x86_64",
        "-machine", "microvm,x-option-roms=off,rtc=off,acpi=off",
        "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
        "-accel", "kvm", "-cpu", "host",
        "-m", "512M", "-smp", "4",
        "-kernel", "/opt/ops/kernel.elf",
        "-chardev", "stdio,id=con,signal=off", "-serial", "chardev:con",
        "-chardev", "file,id=exitc,path=/r/exit",
        "-device", "isa-serial,chardev=exitc,iobase=0x2f8,irq=3",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-drive", "file=/home/u/.ops/images/hello,format=raw,if=none,id=hd0",
        "-global", "virtio-mmio.force-legacy=false",
        "-device", "virtio-blk-device,drive=hd0",
    };
    EXPECT_EQ(qemu_argv(request, "/r/exit"), expected);
}

TEST(QemuArgs, DebugAddsGdbStubAndWaits) {
    RunRequest request = basic_request();
    request.gdb_port = 1234;
    request.wait_for_gdb = true;
    auto argv = qemu_argv(request, "/r/exit");
    ASSERT_GE(argv.size(), 3u);
    EXPECT_EQ(std::vector<std::string>(argv.end() - 3, argv.end()),
              (std::vector<std::string>{"-gdb", "tcp::1234", "-S"}));
}

TEST(QemuArgs, CommasInPathsAreEscapedInOptionStrings) {
    RunRequest request = basic_request();
    request.image = "/a,b/img";
    request.kernel = "/k,1/kernel.elf";
    request.qemu_binary = "/usr/local/bin/qemu-system-x86_64";
    auto argv = qemu_argv(request, "/r,x/exit");
    EXPECT_EQ(argv[0], "/usr/local/bin/qemu-system-x86_64");
    auto has = [&](const std::string& value) {
        return std::find(argv.begin(), argv.end(), value) != argv.end();
    };
    EXPECT_TRUE(has("file=/a,,b/img,format=raw,if=none,id=hd0"));
    EXPECT_TRUE(has("file,id=exitc,path=/r,,x/exit"));
    EXPECT_TRUE(has("/k,1/kernel.elf"));  // -kernel is not an option string
}

TEST(QemuArgs, ShellQuote) {
    EXPECT_EQ(shell_quote("plain/path-1.0,x=y"), "plain/path-1.0,x=y");
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_EQ(shell_quote("a b"), "'a b'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote("$HOME"), "'$HOME'");
    EXPECT_EQ(shell_command_line({"qemu", "-kernel", "/my kernel"}), "qemu -kernel '/my kernel'");
}

} // namespace
} // namespace ops
