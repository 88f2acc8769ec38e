// mmio.h: the virtio-mmio transport (version 2, [virtio-v1.1] 4.2.2) and discovery of the
// devices QEMU's microvm places at fixed addresses.
#pragma once

#include "dev/virtio/transport.h"

namespace virtio {

class MmioTransport;
void scan_mmio(void (*found)(MmioTransport& transport));

class MmioTransport final : public Transport {
  public:
    explicit MmioTransport(u64 phys) : m_phys(phys) {}
    u32 device_id() override;
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
    friend void scan_mmio(void (*found)(MmioTransport& transport));
    volatile u32& reg(u32 offset);
    // The I/O APIC line (global system interrupt) of this slot, -1 when QEMU did not say.
    int interrupt_line();
    u64 m_phys;
};

// Calls `found` for every version-2 virtio-mmio device in the microvm window.
void scan_mmio(void (*found)(MmioTransport& transport));

// Learns each device's interrupt line from the `virtio_mmio.device=<size>@<base>:<irq>`
// declarations QEMU appends to the kernel command line (the registers do not say it).
void mmio_parse_command_line(const char* command_line);

} // namespace virtio
