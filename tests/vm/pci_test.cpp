// pci_test.cpp: the q35 machine (ops run --machine q35): the kernel finds its disk and NIC as
// virtio devices on the PCI bus (modern interface, MSI-X interrupts) instead of virtio-mmio.
// Covers booting, the writable root across a reboot, data volumes as more PCI disks, traffic
// through virtio-net-pci from the host's loopback (a -p forward), two CPUs starting on q35, and
// the one line a kernel with no disk on either transport prints.
#include "vm_harness.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <thread>

namespace vm {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::uint16_t free_port() {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t length = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &length);
    close(s);
    return ntohs(a.sin_port);
}

int connect_loopback(std::uint16_t port) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(s);
        return -1;
    }
    timeval timeout{10, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return s;
}

// One HTTP/1.0 GET, retried until the guest answers (QEMU accepts on the host before the guest
// listens, then closes) or `wait` passes. "" when it never did.
std::string http_get(std::uint16_t port, const std::string& path, std::chrono::seconds wait) {
    auto deadline = Clock::now() + wait;
    while (Clock::now() < deadline) {
        int s = connect_loopback(port);
        std::string response;
        if (s >= 0) {
            std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
            if (write(s, request.data(), request.size()) == ssize_t(request.size())) {
                char buffer[4096];
                ssize_t n;
                while ((n = read(s, buffer, sizeof buffer)) > 0)
                    response.append(buffer, size_t(n));
            }
            close(s);
        }
        if (!response.empty())
            return response;
        std::this_thread::sleep_for(200ms);
    }
    return "";
}

std::future<RunResult> start_ops(std::vector<std::string> args, RunOptions options = {}) {
    return std::async(std::launch::async,
                      [args = std::move(args), options] { return run_ops(args, options); });
}

TEST(Pci, HelloFromADiskOnThePciBus) {
    RunResult r = run_ops({"run", "--machine", "q35", "-v", app("hello-static")});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"hello from hello-static"})) << r.describe();
    // -v printed the QEMU command line: the disk really was a PCI device.
    EXPECT_NE(r.err.find("virtio-blk-pci,disable-legacy=on,drive=hd0"), std::string::npos)
        << r.describe();
    EXPECT_EQ(r.err.find("virtio-blk-device"), std::string::npos) << r.describe();
}

TEST(Pci, WritableRootSurvivesARebootOnPciBlk) {
    TempDir dir;
    dir.write_file("config.json", R"({"BaseVolumeSz": "32m", "RunConfig": {"Machine": "q35"}})");
    RunResult first = run_ops(
        {"run", app("fs_persist-static"), "-c", "config.json", "-i", "persist"}, {dir.path()});
    EXPECT_EXIT_CODE(first, 0);
    EXPECT_TRUE(has_lines_in_order(first.out_lines(), {"phase write", "PASSED: 0 failures"}))
        << first.describe();
    RunOptions again{dir.path()};
    again.ops_home = first.ops_home;
    // The config chose q35; the flag says it again for the reader.
    RunResult second = run_ops({"run", "--machine", "q35", app("fs_persist-static"), "-c",
                                "config.json", "-i", "persist", "--skipbuild"},
                               again);
    EXPECT_EXIT_CODE(second, 0);
    EXPECT_TRUE(has_lines_in_order(
        second.out_lines(), {"phase check", "ok big file", "ok hard link", "PASSED: 0 failures"}))
        << second.describe();
    EXPECT_TRUE(no_line_starting_with(second.out_lines(), "FAIL")) << second.describe();
}

TEST(Pci, VolumesAreMorePciDisks) {
    RunResult created = run_ops({"volume", "create", "data", "-s", "8m"});
    EXPECT_EXIT_CODE(created, 0);
    RunOptions same;
    same.ops_home = created.ops_home;
    RunResult first = run_ops({"run", "--machine", "q35", app("fs_volume-static"), "-a", "write",
                               "--mounts", "data:/data"},
                              same);
    EXPECT_EXIT_CODE(first, 0);
    EXPECT_TRUE(has_lines_in_order(first.out_lines(), {"ok wrote the note", "PASSED: 0 failures"}))
        << first.describe();
    // Read-only (QEMU readonly=on): the device itself refuses writes.
    RunResult second = run_ops({"run", "--machine", "q35", app("fs_volume-static"), "-a",
                                "readonly", "--mounts", "data:/data:ro"},
                               same);
    EXPECT_EXIT_CODE(second, 0);
    EXPECT_TRUE(has_lines_in_order(second.out_lines(),
                                   {"ok unlink refused with EROFS", "PASSED: 0 failures"}))
        << second.describe();
}

TEST(Pci, TwoCpusStartOnQ35) {
    RunResult r = run_ops({"run", "--machine", "q35", "--smp", "2", app("procfs-static")});
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"cpus 2", "procfs: ok"})) << r.describe();
}

TEST(Pci, GoHttpServerThroughVirtioNetPciOnTwoCpus) {
    std::uint16_t port = free_port();
    auto run = start_ops({"run", "--machine", "q35", "--smp", "2", app("go-httpserver"), "-p",
                          std::to_string(port) + "-8080"});
    std::string hello = http_get(port, "/hello", 45s);
    EXPECT_NE(hello.find("hello from ops, path /hello"), std::string::npos) << hello;
    std::string sum = http_get(port, "/sum?n=1000", 10s);
    EXPECT_NE(sum.find("sum 500500"), std::string::npos) << sum;
    http_get(port, "/quit", 10s);
    RunResult r = run.get();
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"assigned: 10.0.2.15", "listening on :8080"}))
        << r.describe();
}

TEST(Pci, TcpEchoOfEightMebibytesIsByteExact) {
    std::uint16_t port = free_port();
    auto run = start_ops({"run", "--machine", "q35", app("tcp_echo-static"), "-p",
                          std::to_string(port), "-a", std::to_string(port), "-a", "1"});
    // Connected once one byte comes back (before the guest listens QEMU closes the connection).
    int s = -1;
    auto deadline = Clock::now() + 45s;
    while (Clock::now() < deadline && s < 0) {
        s = connect_loopback(port);
        char byte = 0;
        if (s >= 0 && (write(s, "\x5a", 1) != 1 || read(s, &byte, 1) != 1 || byte != 0x5a)) {
            close(s);
            s = -1;
            std::this_thread::sleep_for(200ms);
        }
    }
    ASSERT_GE(s, 0) << "the echo server never answered";
    constexpr std::size_t TOTAL = 8u << 20;
    auto pattern = [](std::size_t i) { return static_cast<char>((i * 131 + (i >> 12)) & 0xff); };
    std::thread writer([&] {
        std::vector<char> block(64 * 1024);
        for (std::size_t sent = 0; sent < TOTAL;) {
            std::size_t n = std::min(block.size(), TOTAL - sent);
            for (std::size_t i = 0; i < n; i++)
                block[i] = pattern(sent + i);
            ssize_t w = write(s, block.data(), n);
            if (w <= 0)
                return;
            sent += std::size_t(w);
        }
        shutdown(s, SHUT_WR);
    });
    std::size_t received = 0, mismatches = 0;
    std::vector<char> buffer(64 * 1024);
    ssize_t n;
    while ((n = read(s, buffer.data(), buffer.size())) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if (buffer[size_t(i)] != pattern(received + size_t(i)))
                mismatches++;
        received += std::size_t(n);
    }
    writer.join();
    close(s);
    EXPECT_EQ(received, TOTAL);
    EXPECT_EQ(mismatches, 0u);
    RunResult r = run.get();
    EXPECT_EXIT_CODE(r, 0);
    EXPECT_TRUE(has_lines_in_order(r.out_lines(), {"connection done: 8388609 bytes"}))
        << r.describe();
}

// QEMU started directly (ops always attaches a disk) with the kernel and no disk at all.
std::string boot_without_disk(const std::string& machine) {
    std::string kernel =
        (std::filesystem::path(ops_binary()).parent_path() / "kernel.elf").string();
    std::string command = "timeout 60 qemu-system-x86_64 -machine " + machine +
                          " -nodefaults -no-user-config -nographic -no-reboot -accel tcg"
                          " -cpu max -m 256M -kernel " +
                          kernel +
                          " -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04"
                          " </dev/null 2>&1";
    std::string output;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[4096];
        size_t n;
        while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
            output.append(buffer, n);
        pclose(pipe);
    }
    return output;
}

TEST(Pci, NoDiskOnEitherTransportIsOneClearLine) {
    const char* kLine = "ops kernel: no disk: no virtio-blk device was found on virtio-mmio or PCI";
    for (std::string machine : {"q35,sata=off -bios qboot.rom", "microvm,acpi=off,rtc=off"}) {
        std::string output = boot_without_disk(machine);
        EXPECT_NE(output.find(kLine), std::string::npos) << machine << ":\n" << output;
        EXPECT_EQ(output.find("panic"), std::string::npos) << machine << ":\n" << output;
    }
}

} // namespace
} // namespace vm
