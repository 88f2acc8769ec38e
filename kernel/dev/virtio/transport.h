// transport.h: what a virtio driver needs from its transport (virtio-mmio on microvm, virtio
// over PCI on q35), so the block and network drivers read the same on either.
#pragma once

#include "lib/result.h"
#include "lib/types.h"

namespace virtio {

class Transport {
  public:
    virtual u32 device_id() = 0;
    virtual u64 device_features() = 0;
    virtual void set_driver_features(u64 features) = 0;
    virtual u8 status() = 0;
    virtual void set_status(u8 status) = 0;
    virtual u16 queue_max_size(u16 queue) = 0;
    // Programs a queue's size and ring addresses (physical) and enables it.
    virtual void setup_queue(u16 queue, u16 size, u64 descriptors, u64 driver, u64 device) = 0;
    virtual void notify(u16 queue) = 0;
    // Reads and clears the interrupt cause (bit 0: a used ring changed, bit 1: the
    // configuration changed); the device lowers its interrupt line.
    virtual u32 acknowledge_interrupt() = 0;
    // Delivers the device's queue interrupts as `vector` to the calling CPU, whichever way the
    // transport raises them: an I/O APIC line (virtio-mmio) or an MSI-X message (PCI). Called
    // after the queues are set up. ENODEV when the device's interrupt cannot be routed.
    virtual Result<void> route_interrupts(u8 vector) = 0;
    virtual u8 config_read8(u32 offset) = 0;
    virtual u32 config_read32(u32 offset) = 0;
    u64 config_read64(u32 offset) {
        return config_read32(offset) | (u64(config_read32(offset + 4)) << 32);
    }

  protected:
    ~Transport() = default;
};

// Feature negotiation and status handshake ([virtio-v1.1] 3.1.1). Returns the accepted
// features (offered & wanted), or 0 with FAILED set when the device refuses them.
u64 negotiate(Transport& transport, u64 wanted);

} // namespace virtio
