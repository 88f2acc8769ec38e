// write_image.cpp: the image file: root FS, boot FS, MBR, size, atomic commit. What the root FS
// holds is decided in root_fs.cpp; the TFS encoding is common/tfs, the MBR common/disk.
#include "ops/image/write_image.h"

#include "common/disk/mbr.h"
#include "ops/base/error.h"
#include "ops/image/file_io.h"
#include "ops/image/host_allocator.h"
#include "ops/image/image_tree.h"
#include "ops/image/mount_points.h"
#include "ops/image/root_fs.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <span>
#include <unistd.h>

namespace ops {

namespace {

using Uuid = std::array<std::uint8_t, tfs::kUuidBytes>;

Uuid random_uuid() {
    Uuid uuid{};
    int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : ::read(fd, uuid.data(), uuid.size());
    int saved = errno;
    if (fd >= 0)
        ::close(fd);
    if (n != static_cast<ssize_t>(uuid.size()))
        throw Error(std::string("cannot read /dev/urandom for a file system UUID: ") +
                        (n < 0 ? std::strerror(saved) : "short read"),
                    "check that /dev/urandom is available");
    return uuid;
}

std::string mib(std::uint64_t bytes) {
    std::uint64_t tenths = (bytes * 10 + (1 << 20) - 1) >> 20; // rounded up
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MiB";
}

// The boot FS holds one file; its data starts after the first log extension (tfs.md 7.4).
void check_kernel_fits(const std::filesystem::path& kernel, std::uint64_t size) {
    std::uint64_t needed = tfs::kFirstDataSector * tfs::kSectorSize +
                           (size + tfs::kSectorSize - 1) / tfs::kSectorSize * tfs::kSectorSize;
    if (needed > disk::kBootFsBytes)
        throw Error("the kernel " + kernel.string() + " (" + std::to_string(size) +
                        " bytes) does not fit in the 12 MiB boot file system",
                    "use a smaller (stripped or release) kernel build");
}

tfs::WriteResult write_tfs(ImageTree& tree, AtomicFileSink& sink, const Uuid& uuid,
                           const std::filesystem::path& image, const char* which) {
    tfs::WriteOptions options;
    std::memcpy(options.uuid, uuid.data(), uuid.size());
    // The established ops leaves the label of image file systems empty (only volumes get one).
    tfs::WriteResult result;
    tfs::Error error = tree.builder().write(sink, options, &result);
    if (error == tfs::Error::io) {
        std::string detail = tree.read_failure();
        if (detail.empty())
            detail = "cannot write " + image.string() + ".tmp-*: " + sink.failure();
        throw Error("cannot build " + std::string(which) + " of " + image.string() + ": " + detail,
                    "check the files and the free space, then try again");
    }
    check_tfs(error, std::string("writing ") + which);
    return result;
}

} // namespace

std::uint64_t image_file_size(const Config& config, std::uint64_t root_fs_offset,
                              std::uint64_t root_bytes_used) {
    std::uint64_t needed = root_fs_offset + root_bytes_used;
    if (!config.base_volume_bytes)
        return root_fs_offset + tfs::padded_fs_size(root_bytes_used) + kDefaultWritableRoomBytes;
    std::uint64_t wanted =
        (*config.base_volume_bytes + disk::kSectorSize - 1) / disk::kSectorSize * disk::kSectorSize;
    if (wanted < needed)
        throw Error("the image content needs " + std::to_string(needed) + " bytes (" + mib(needed) +
                        ") but BaseVolumeSz is " + std::to_string(*config.base_volume_bytes) +
                        " bytes (" + mib(*config.base_volume_bytes) + ")",
                    "raise BaseVolumeSz to at least " +
                        std::to_string((needed + (1 << 20) - 1) >> 20) +
                        "m, or remove it to size the image automatically");
    return wanted;
}

BuildResult write_image(const BuildRequest& request, const ImageOptions& options) {
    const Config& config = request.config;
    const std::filesystem::path& image = request.output;
    Uuid root_uuid = options.uuid ? *options.uuid : random_uuid();
    Uuid boot_uuid = options.uuid ? *options.uuid : random_uuid();

    // Everything that can fail on bad input is collected before the image file is created.
    HostAllocator allocator;
    ImageTree root(allocator);
    collect_root_fs(root, config, program_host_path(config), image.filename().string());
    add_mount_points(root, config);
    ImageTree boot(allocator);
    boot.add_host_file("/kernel", request.kernel); // throws when it cannot be read
    std::error_code size_error;
    std::uint64_t kernel_bytes = std::filesystem::file_size(request.kernel, size_error);
    if (!size_error)
        check_kernel_fits(request.kernel, kernel_bytes);

    // Partition offsets do not depend on the root FS size, so the root FS can be written before
    // its size is known.
    const disk::Layout offsets = disk::compute_layout(0, 0);
    AtomicFileWriter file(image);
    AtomicFileSink root_sink(file, offsets.root_fs_offset);
    tfs::WriteResult root_written =
        write_tfs(root, root_sink, root_uuid, image, "the root file system");
    std::uint64_t image_bytes =
        image_file_size(config, offsets.root_fs_offset, root_written.bytes_used);
    disk::Layout layout = disk::compute_layout(0, image_bytes - offsets.root_fs_offset);

    AtomicFileSink boot_sink(file, layout.boot_fs_offset);
    write_tfs(boot, boot_sink, boot_uuid, image, "the boot file system");

    // Sector 0 last (tfs.md 7.4: what points at data is written after the data). The boot code
    // and region record stay zero: no stage2, the boot FS starts at LBA 9 (tfs.md 1.1).
    std::uint8_t sector0[disk::kSectorSize] = {};
    if (disk::write_partition_table(common::MutableBytes(sector0, sizeof sector0), layout) !=
        disk::Error::none)
        throw Error("the image would be " + std::to_string(layout.image_bytes) +
                        " bytes, too large for an MBR partition table (2 TiB)",
                    "lower BaseVolumeSz");
    file.resize(layout.image_bytes);
    file.write_at(0, std::span<const std::uint8_t>(sector0, sizeof sector0));
    file.commit();
    return BuildResult{image, layout.image_bytes};
}

} // namespace ops
