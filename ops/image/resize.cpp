// resize.cpp: growing image files (tfs.md 1.3).
#include "ops/image/resize.h"

#include "common/disk/mbr.h"
#include "ops/base/error.h"
#include "ops/image/image_reader.h"
#include "ops/image/image_store.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace ops {

namespace {
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0)
            ::close(fd);
    }
};

[[noreturn]] void fail_io(const std::filesystem::path& file, const char* doing, int error) {
    throw Error("cannot " + std::string(doing) + " " + file.string() + ": " +
                    std::strerror(error),
                "check the file's permissions and the free space");
}

void put_u32(std::uint8_t* out, std::uint32_t value) {
    for (int i = 0; i < 4; i++)
        out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}
} // namespace

ResizeResult resize_image(const std::filesystem::path& file, std::uint64_t new_bytes) {
    // Mounting first proves the file is a TFS image and tells where its root FS is.
    ImageReader reader(file);
    ResizeResult result;
    std::error_code size_error;
    result.old_bytes = std::filesystem::file_size(file, size_error);
    if (size_error)
        throw Error("cannot read the size of " + file.string() + ": " + size_error.message(), "");
    result.new_bytes = (new_bytes + disk::kSectorSize - 1) / disk::kSectorSize * disk::kSectorSize;
    if (result.new_bytes < result.old_bytes)
        throw Error("cannot shrink " + file.string() + " from " + human_size(result.old_bytes) +
                        " to " + human_size(result.new_bytes) +
                        ": only growing is supported, shrinking would cut off data",
                    "give a size of at least " + std::to_string(result.old_bytes) + " bytes");
    result.root_fs_bytes = result.new_bytes - reader.fs_offset();

    std::uint64_t root_sectors = result.root_fs_bytes / disk::kSectorSize;
    if (reader.partitioned() && root_sectors > UINT32_MAX)
        throw Error("an image of " + human_size(result.new_bytes) +
                        " is too large for an MBR partition table (2 TiB)",
                    "give a smaller size");
    if (result.new_bytes == result.old_bytes)
        return result;

    Fd fd;
    fd.fd = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
    if (fd.fd < 0)
        fail_io(file, "open", errno);
    std::uint8_t sector0[disk::kSectorSize];
    if (reader.partitioned() &&
        ::pread(fd.fd, sector0, sizeof sector0, 0) != static_cast<ssize_t>(sizeof sector0))
        fail_io(file, "read", errno ? errno : EIO);
    if (::ftruncate(fd.fd, static_cast<off_t>(result.new_bytes)) < 0)
        fail_io(file, "grow", errno);
    if (reader.partitioned()) {
        // The kernel ignores the count, so the image works even if this update is lost.
        disk::BootDisk boot_disk;
        if (disk::parse_boot_disk(common::Bytes(sector0, sizeof sector0), result.new_bytes,
                                  &boot_disk) == disk::Error::none) {
            std::size_t root_index = boot_disk.has_esp ? 2 : 1;
            std::uint8_t* entry =
                sector0 + disk::kPartitionTableOffset + root_index * disk::kPartitionEntryBytes;
            put_u32(entry + 12, static_cast<std::uint32_t>(root_sectors));
            disk::chs_of(result.new_bytes - disk::kSectorSize, entry + 5);
            if (::pwrite(fd.fd, sector0, sizeof sector0, 0) != static_cast<ssize_t>(sizeof sector0))
                fail_io(file, "update the partition table of", errno ? errno : EIO);
        }
    }
    if (::fsync(fd.fd) < 0)
        fail_io(file, "sync", errno);
    return result;
}

} // namespace ops
