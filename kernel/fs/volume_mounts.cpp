// volume_mounts.cpp: matching attached disks to the manifest's `mounts` and mounting them.
#include "fs/volume_mounts.h"
#include "common/tfs/log_reader.h"
#include "fs/tfs_volume.h"
#include "fs/vfs.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"

namespace {

constexpr size_t MAX_MOUNT_PATH = 1024;

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

// A `mounts` key names the volume by its label, or by its UUID text in any case.
bool names_volume(common::Bytes key, const tfs::VolumeHeader& header, const char* uuid) {
    if (key.size() == header.label_size && header.label_size &&
        memcmp(key.data(), header.label_bytes, key.size()) == 0)
        return true;
    if (key.size() != tfs::kUuidTextBytes)
        return false;
    for (size_t i = 0; i < key.size(); i++)
        if (lower(char(key[i])) != uuid[i])
            return false;
    return true;
}

void mount_one(virtio::BlockDevice* disk, const tfs::Value* value, const char* name) {
    common::Bytes text;
    if (!tfs::value_as_string(value, &text) || text.size() == 0 || text.size() >= MAX_MOUNT_PATH) {
        kprintf("ops kernel: volume %s: the manifest's mount path is not a string\n", name);
        return;
    }
    char path[MAX_MOUNT_PATH];
    memcpy(path, text.data(), text.size());
    path[text.size()] = 0;
    MountMode mode = MountMode::ReadWrite;
    size_t length = text.size();
    if (length > 3 && str_equal(path + length - 3, ":ro")) {
        mode = MountMode::ReadOnly;
        path[length - 3] = 0;
    }
    if (path[0] != '/' || str_equal(path, "/")) {
        kprintf("ops kernel: volume %s: cannot mount at \"%s\" (an absolute path other than /)\n",
                name, path);
        return;
    }
    auto point = vfs_resolve("/", path, FollowLinks::Yes);
    if (point.is_error() || !point.value()->is_directory()) {
        kprintf("ops kernel: volume %s: %s is not a directory in the image\n", name, path);
        return;
    }
    auto volume = TfsVolume::mount(disk, 0, disk->capacity_bytes(), mode);
    if (volume.is_error()) {
        kprintf("ops kernel: volume %s cannot be mounted (%s)\n", name, errno_name(volume.error()));
        return;
    }
    auto root = volume.value()->root();
    auto mounted =
        root.is_error() ? Result<void>(root.error()) : vfs_mount(point.value(), root.value());
    if (mounted.is_error())
        kprintf("ops kernel: volume %s cannot be mounted at %s (%s)\n", name, path,
                errno_name(mounted.error()));
}

} // namespace

void mount_attached_volumes(const tfs::Value* manifest_root, int boot_disk) {
    const tfs::Value* mounts = tfs::tuple_get(manifest_root, "mounts");
    if (!mounts || !mounts->is_tuple())
        return;
    bool used[64] = {};
    for (int i = 0; i < virtio::g_disk_count; i++) {
        if (i == boot_disk)
            continue;
        virtio::BlockDevice* disk = virtio::g_disks[i];
        DiskAccess probe(disk, 0, disk->capacity_bytes());
        tfs::VolumeHeader header;
        if (tfs::probe_volume(probe, &header) != tfs::Error::none)
            continue; // not a bare TFS
        char uuid[tfs::kUuidTextBytes + 1];
        tfs::format_uuid(header.uuid, uuid);
        uuid[tfs::kUuidTextBytes] = 0;
        char label[tfs::kMaxLabelBytes + 1];
        memcpy(label, header.label_bytes, header.label_size);
        label[header.label_size] = 0;
        const char* name = label[0] ? label : uuid;
        bool found = false;
        for (size_t e = 0; e < mounts->entry_count() && !found; e++) {
            if (!names_volume(mounts->entry(e).name, header, uuid))
                continue;
            found = true;
            if (e < 64)
                used[e] = true;
            mount_one(disk, mounts->entry(e).value, name);
        }
        if (!found)
            kprintf("ops kernel: volume %s is attached but the manifest does not mount it\n", name);
    }
    for (size_t e = 0; e < mounts->entry_count() && e < 64; e++) {
        if (used[e])
            continue;
        common::Bytes key = mounts->entry(e).name;
        kprintf("ops kernel: volume %.*s is not attached\n", int(key.size()),
                reinterpret_cast<const char*>(key.data()));
    }
}
