// transport.cpp: the device initialisation sequence common to all virtio transports.
#include "dev/virtio/transport.h"
#include "dev/virtio/virtio.h"

namespace virtio {

u64 negotiate(Transport& t, u64 wanted) {
    t.set_status(0);
    t.set_status(status::ACKNOWLEDGE);
    t.set_status(status::ACKNOWLEDGE | status::DRIVER);
    u64 accepted = t.device_features() & (wanted | F_VERSION_1);
    t.set_driver_features(accepted);
    t.set_status(status::ACKNOWLEDGE | status::DRIVER | status::FEATURES_OK);
    if (!(t.status() & status::FEATURES_OK) || !(accepted & F_VERSION_1)) {
        t.set_status(status::FAILED);
        return 0;
    }
    return accepted;
}

} // namespace virtio
