// pci.h: the virtio-over-PCI transport, modern interface only ([virtio-v1.1] 4.1): the common
// configuration, notification, ISR and device configuration structures the vendor capabilities
// point at, in the device's memory BARs. Interrupts are MSI-X messages, one table entry shared
// by all the device's queues. Works for QEMU's transitional devices (their modern half) and
// for modern-only ones (disable-legacy=on).
#pragma once

#include "dev/pci/device.h"
#include "dev/pci/msix.h"
#include "dev/virtio/transport.h"

namespace virtio {

// The virtio device type of a PCI function (device_id::NET, ...), 0 when it is no virtio device.
u32 pci_virtio_device_id(const pci::Device& device);

class PciTransport final : public Transport {
  public:
    // Finds and maps the device's virtio structures and sets up MSI-X. ENODEV when a required
    // structure is missing or lies outside an assigned memory BAR; ENOMEM.
    static Result<PciTransport*> create(pci::Device& device);

    u32 device_id() override { return m_device_id; }
    u64 device_features() override;
    void set_driver_features(u64 features) override;
    u8 status() override;
    void set_status(u8 status) override;
    u16 queue_max_size(u16 queue) override;
    void setup_queue(u16 queue, u16 size, u64 descriptors, u64 driver, u64 device) override;
    void notify(u16 queue) override;
    u32 acknowledge_interrupt() override;
    Result<void> route_interrupts(u8 vector) override;
    u8 config_read8(u32 offset) override;
    u32 config_read32(u32 offset) override;

  private:
    static constexpr u16 MAX_QUEUES = 8;

    PciTransport() = default;
    volatile u8* common(u32 offset) { return m_common + offset; }

    u32 m_device_id = 0;
    volatile u8* m_common = nullptr;
    volatile u8* m_isr = nullptr;
    volatile u8* m_device_config = nullptr;
    u32 m_device_config_length = 0;
    volatile u8* m_notify = nullptr;
    u32 m_notify_length = 0;
    u32 m_notify_multiplier = 0;
    volatile u16* m_queue_notify[MAX_QUEUES] = {};
    pci::Msix m_msix;
    bool m_has_msix = false;
    bool m_msix_accepted = true; // false once the device refused the MSI-X entry for a queue
};

} // namespace virtio
