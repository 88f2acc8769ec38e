// mount_points.cpp: the mounts key and mount directories of an image.
#include "ops/image/mount_points.h"

#include "common/manifest/manifest.h"
#include "ops/config/mounts.h"

namespace ops {

namespace {
common::Bytes bytes_of(const std::string& text) {
    return common::Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}
} // namespace

void add_mount_points(ImageTree& tree, const Config& config) {
    if (config.mounts.empty())
        return;
    tfs::Tree& values = tree.builder().tree();
    tfs::Value* mounts = values.make_tuple();
    if (!mounts)
        check_tfs(tfs::Error::no_memory, "building the manifest");
    for (const auto& [volume, target] : config.mounts) {
        MountTarget mount = parse_mount_target(volume, target);
        tree.directory(mount.path);
        tfs::Value* value = values.make_string(bytes_of(target));
        if (!value)
            check_tfs(tfs::Error::no_memory, "building the manifest");
        check_tfs(tree.builder().set_attribute(mounts, bytes_of(volume), value),
                  "setting the mount of volume " + volume);
    }
    check_tfs(tree.builder().set_attribute(tree.root(), manifest::key::mounts, mounts),
              "setting the manifest key mounts");
}

} // namespace ops
