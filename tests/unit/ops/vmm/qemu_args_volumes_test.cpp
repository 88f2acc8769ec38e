// qemu_args_volumes_test.cpp: attached volumes (ops run --mounts) become virtio-blk disks after
// the image, read-only ones with readonly=on.
#include "ops/vmm/qemu_args.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ops {
namespace {

TEST(QemuArgsVolumes, EachVolumeIsAnotherDiskAfterTheImage) {
    RunRequest request;
    request.kernel = "/opt/ops/kernel.elf";
    request.image = "/home/u/.ops/images/hello";
    request.volumes = {{"/home/u/.ops/volumes/data:1234.raw", false},
                       {"/home/u/.ops/volumes/logs,x:5678.raw", true}};
    std::vector<std::string> argv = qemu_argv(request, "/tmp/ops-run-x/exit");
    auto image = std::find(argv.begin(), argv.end(), "virtio-blk-device,drive=hd0");
    ASSERT_NE(image, argv.end());
    std::vector<std::string> after(image + 1, image + 9);
    std::vector<std::string> expected = {
        "-drive",
        "file=/home/u/.ops/volumes/data:1234.raw,format=raw,if=none,id=vol0",
        "-device",
        "virtio-blk-device,drive=vol0",
        // QEMU option values double their commas.
        "-drive",
        "file=/home/u/.ops/volumes/logs,,x:5678.raw,format=raw,if=none,id=vol1,readonly=on",
        "-device",
        "virtio-blk-device,drive=vol1",
    };
    EXPECT_EQ(after, expected);
}

} // namespace
} // namespace ops
