// virtio.h: VIRTIO 1.x layouts shared by every driver and transport ([virtio-v1.1] 2.1, 2.6,
// 4.2.2). Drivers acknowledge only the feature bits they implement.
#pragma once

#include "lib/types.h"

namespace virtio {

namespace status {
constexpr u8 ACKNOWLEDGE = 1;
constexpr u8 DRIVER = 2;
constexpr u8 DRIVER_OK = 4;
constexpr u8 FEATURES_OK = 8;
constexpr u8 FAILED = 128;
} // namespace status

constexpr u64 F_VERSION_1 = 1ull << 32; // [virtio-v1.1] 6

namespace device_id {
constexpr u32 NET = 1;
constexpr u32 BLOCK = 2;
constexpr u32 ENTROPY = 4;
} // namespace device_id

// [virtio-v1.1] 2.6.5 split virtqueue.
struct Descriptor {
    static constexpr u16 NEXT = 1;
    static constexpr u16 WRITE = 2;
    u64 addr;
    u32 len;
    u16 flags;
    u16 next;
};
static_assert(sizeof(Descriptor) == 16);

struct UsedElement {
    u32 id;
    u32 len;
};
static_assert(sizeof(UsedElement) == 8);

} // namespace virtio
