// run_request.h: everything needed to boot one image, already resolved and typed. Built by
// cli/run.cpp from the merged Config; consumed by qemu_args.cpp and launcher.cpp.
#pragma once

#include "ops/config/machine.h"
#include "ops/config/size.h"
#include "ops/vmm/accel.h"
#include "ops/vmm/guest_network.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ops {

// A data volume file (ops/volume) attached as one more virtio-blk disk after the image.
struct AttachedVolume {
    std::filesystem::path file;
    bool read_only = false;  // the device is read-only (QEMU readonly=on)
    bool operator==(const AttachedVolume&) const = default;
};

struct RunRequest {
    std::filesystem::path kernel;  // kernel ELF with a PVH note, booted with -kernel
    std::filesystem::path image;   // raw disk image, attached as virtio-blk
    // microvm: virtio-mmio devices; q35: virtio over PCI, qboot firmware.
    Machine machine = kDefaultMachine;
    std::uint64_t memory_mib = kDefaultMemoryMib;
    unsigned cpus = 1;
    Accel accel = Accel::Tcg;
    unsigned gdb_port = 0;      // 0: no gdb stub
    bool wait_for_gdb = false;  // start halted (-S) until gdb continues
    bool verbose = false;       // print the QEMU command line on stderr before starting
    std::string qemu_binary = "qemu-system-x86_64";  // looked up on PATH when not absolute
    // The host's wall clock (ns since the epoch) handed to the kernel, which has no RTC;
    // 0 leaves it out. The launcher fills it just before starting QEMU.
    std::uint64_t realtime_ns = 0;
    // Background instances (ops/instance): the console goes to this file instead of QEMU's
    // stdout when set.
    std::filesystem::path console_log;
    // A QMP monitor on this unix socket when set (QEMU creates it; instance control uses it).
    std::filesystem::path qmp_socket;
    // Volumes for Mounts, in order; the kernel matches them to the manifest by label or UUID.
    std::vector<AttachedVolume> volumes;
    // The guest's NIC (virtio-net on the machine's transport) and what it is connected to.
    GuestNetwork network;
};

} // namespace ops
