// interface.h: network interfaces over virtio-net devices (en1, en2, ...) and their addressing:
// DHCP by default, static IPv4 from the manifest (`ipaddr`/`netmask`/`gateway`, per interface in
// an `en<N>` tuple or at the root for en1), IPv6 link-local plus SLAAC, and `ip6addr`.
#pragma once

#include "common/tfs/value.h"
#include "lib/result.h"

namespace virtio {
class Transport;
}

Result<void> interface_create(virtio::Transport* transport);
// Applies the manifest's settings to every interface and brings them up.
void interfaces_configure(const tfs::Value* manifest_root);
