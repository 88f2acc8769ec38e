// pci.cpp: virtio PCI capabilities ([virtio-v1.1] 4.1.4) and the common configuration
// registers (4.1.4.3). Every structure is read through the uncached direct map of its BAR.
#include "dev/virtio/transport/pci.h"
#include "dev/interrupts.h"
#include "lib/format.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/page_table.h"

namespace virtio {

namespace {
constexpr u16 VENDOR_VIRTIO = 0x1af4;
constexpr u16 FIRST_DEVICE = 0x1000;        // transitional devices: 0x1000..0x103f
constexpr u16 FIRST_MODERN_DEVICE = 0x1040; // modern: 0x1040 + the virtio device type
constexpr u16 LAST_DEVICE = 0x107f;
constexpr u8 CAPABILITY_VENDOR = 0x09;
constexpr u16 NO_VECTOR = 0xffff;
// All queues share MSI-X table entry 0; configuration changes raise nothing.
constexpr u16 QUEUE_ENTRY = 0;

// struct virtio_pci_cap: cap_vndr, cap_next, cap_len, cfg_type, bar, padding[3], offset,
// length; the notification capability adds notify_off_multiplier.
namespace capability {
constexpr u8 TYPE = 3;
constexpr u8 BAR = 4;
constexpr u8 OFFSET = 8;
constexpr u8 LENGTH = 12;
constexpr u8 NOTIFY_MULTIPLIER = 16;
} // namespace capability
namespace structure {
constexpr u8 COMMON = 1;
constexpr u8 NOTIFY = 2;
constexpr u8 ISR = 3;
constexpr u8 DEVICE = 4;
} // namespace structure

namespace common {
constexpr u32 DEVICE_FEATURE_SELECT = 0x00;
constexpr u32 DEVICE_FEATURE = 0x04;
constexpr u32 DRIVER_FEATURE_SELECT = 0x08;
constexpr u32 DRIVER_FEATURE = 0x0c;
constexpr u32 MSIX_CONFIG = 0x10;
constexpr u32 NUM_QUEUES = 0x12;
constexpr u32 DEVICE_STATUS = 0x14;
constexpr u32 QUEUE_SELECT = 0x16;
constexpr u32 QUEUE_SIZE = 0x18;
constexpr u32 QUEUE_MSIX_VECTOR = 0x1a;
constexpr u32 QUEUE_ENABLE = 0x1c;
constexpr u32 QUEUE_NOTIFY_OFF = 0x1e;
constexpr u32 QUEUE_DESC = 0x20;
constexpr u32 QUEUE_DRIVER = 0x28;
constexpr u32 QUEUE_DEVICE = 0x30;
constexpr u32 LENGTH = 0x38;
} // namespace common

struct Region {
    volatile u8* base = nullptr;
    u32 length = 0;
};

// Maps the structure a vendor capability at `at` describes; an empty region when it does not
// lie inside an assigned memory BAR.
Region map_structure(const pci::Device& device, u8 at) {
    pci::Address address = device.address();
    u8 bar_index = pci::config_read8(address, u8(at + capability::BAR));
    u32 offset = pci::config_read32(address, u8(at + capability::OFFSET));
    u32 length = pci::config_read32(address, u8(at + capability::LENGTH));
    if (bar_index >= pci::Device::BAR_COUNT)
        return {};
    const pci::Bar& bar = device.bar(bar_index);
    if (bar.is_io || bar.address == 0 || length == 0 || u64(offset) + length > bar.size)
        return {};
    map_mmio(bar.address + offset, length);
    return {static_cast<volatile u8*>(phys_to_virt(bar.address + offset)), length};
}

template <typename T>
T read(volatile u8* at) {
    return *reinterpret_cast<volatile T*>(at);
}
template <typename T>
void write(volatile u8* at, T value) {
    *reinterpret_cast<volatile T*>(at) = value;
}
} // namespace

u32 pci_virtio_device_id(const pci::Device& device) {
    if (device.vendor_id() != VENDOR_VIRTIO || device.device_id() < FIRST_DEVICE ||
        device.device_id() > LAST_DEVICE)
        return 0;
    if (device.device_id() >= FIRST_MODERN_DEVICE)
        return u32(device.device_id() - FIRST_MODERN_DEVICE);
    return device.subsystem_id(); // a transitional device says its type there (4.1.2)
}

Result<PciTransport*> PciTransport::create(pci::Device& device) {
    u32 type = pci_virtio_device_id(device);
    if (type == 0)
        return Errno::ENODEV;
    Region common_region, notify_region, isr_region, device_region;
    u32 multiplier = 0;
    // The first capability of each type is the one to use (4.1.4).
    for (u8 at = device.find_capability(CAPABILITY_VENDOR); at;
         at = device.find_capability(CAPABILITY_VENDOR, at)) {
        u8 kind = pci::config_read8(device.address(), u8(at + capability::TYPE));
        Region* region = kind == structure::COMMON   ? &common_region
                         : kind == structure::NOTIFY ? &notify_region
                         : kind == structure::ISR    ? &isr_region
                         : kind == structure::DEVICE ? &device_region
                                                     : nullptr;
        if (!region || region->base)
            continue;
        *region = map_structure(device, at);
        if (kind == structure::NOTIFY && region->base)
            multiplier =
                pci::config_read32(device.address(), u8(at + capability::NOTIFY_MULTIPLIER));
    }
    if (!common_region.base || common_region.length < common::LENGTH || !notify_region.base ||
        !isr_region.base)
        return Errno::ENODEV;
    device.enable(pci::command::MEMORY_SPACE | pci::command::BUS_MASTER);

    auto* transport = make<PciTransport>(PciTransport());
    if (!transport)
        return Errno::ENOMEM;
    transport->m_device_id = type;
    transport->m_common = common_region.base;
    transport->m_isr = isr_region.base;
    transport->m_device_config = device_region.base;
    transport->m_device_config_length = device_region.length;
    transport->m_notify = notify_region.base;
    transport->m_notify_length = notify_region.length;
    transport->m_notify_multiplier = multiplier;
    auto msix = pci::Msix::enable(device);
    if (!msix.is_error()) {
        transport->m_msix = msix.value();
        transport->m_has_msix = true;
    }
    return transport;
}

u64 PciTransport::device_features() {
    write<u32>(common(common::DEVICE_FEATURE_SELECT), 0);
    u64 low = read<u32>(common(common::DEVICE_FEATURE));
    write<u32>(common(common::DEVICE_FEATURE_SELECT), 1);
    return low | (u64(read<u32>(common(common::DEVICE_FEATURE))) << 32);
}

void PciTransport::set_driver_features(u64 features) {
    write<u32>(common(common::DRIVER_FEATURE_SELECT), 0);
    write<u32>(common(common::DRIVER_FEATURE), u32(features));
    write<u32>(common(common::DRIVER_FEATURE_SELECT), 1);
    write<u32>(common(common::DRIVER_FEATURE), u32(features >> 32));
}

u8 PciTransport::status() {
    return read<u8>(common(common::DEVICE_STATUS));
}

void PciTransport::set_status(u8 status) {
    write<u8>(common(common::DEVICE_STATUS), status);
    if (status == 0) {
        // A reset is complete when the status reads 0 again (4.1.4.3.2). QEMU resets at once;
        // the bound keeps a broken device from hanging the boot.
        for (int i = 0; i < 1000000 && read<u8>(common(common::DEVICE_STATUS)) != 0; i++)
            asm volatile("pause");
        // No configuration-change interrupts: nothing here reacts to them.
        write<u16>(common(common::MSIX_CONFIG), NO_VECTOR);
    }
}

u16 PciTransport::queue_max_size(u16 queue) {
    if (queue >= MAX_QUEUES || queue >= read<u16>(common(common::NUM_QUEUES)))
        return 0;
    write<u16>(common(common::QUEUE_SELECT), queue);
    return read<u16>(common(common::QUEUE_SIZE));
}

void PciTransport::setup_queue(u16 queue, u16 size, u64 descriptors, u64 driver, u64 device) {
    if (queue >= MAX_QUEUES)
        return;
    write<u16>(common(common::QUEUE_SELECT), queue);
    write<u16>(common(common::QUEUE_SIZE), size);
    if (m_has_msix) {
        write<u16>(common(common::QUEUE_MSIX_VECTOR), QUEUE_ENTRY);
        // The device answers NO_VECTOR when it cannot use the entry (4.1.4.3.2).
        if (read<u16>(common(common::QUEUE_MSIX_VECTOR)) != QUEUE_ENTRY)
            m_msix_accepted = false;
    }
    // 64-bit fields as two 32-bit halves, low first: what every device accepts.
    write<u32>(common(common::QUEUE_DESC), u32(descriptors));
    write<u32>(common(common::QUEUE_DESC + 4), u32(descriptors >> 32));
    write<u32>(common(common::QUEUE_DRIVER), u32(driver));
    write<u32>(common(common::QUEUE_DRIVER + 4), u32(driver >> 32));
    write<u32>(common(common::QUEUE_DEVICE), u32(device));
    write<u32>(common(common::QUEUE_DEVICE + 4), u32(device >> 32));
    u64 notify_offset = u64(read<u16>(common(common::QUEUE_NOTIFY_OFF))) * m_notify_multiplier;
    m_queue_notify[queue] = notify_offset + 2 <= m_notify_length
                                ? reinterpret_cast<volatile u16*>(m_notify + notify_offset)
                                : nullptr;
    write<u16>(common(common::QUEUE_ENABLE), 1);
}

void PciTransport::notify(u16 queue) {
    if (queue < MAX_QUEUES && m_queue_notify[queue])
        *m_queue_notify[queue] = queue;
}

u32 PciTransport::acknowledge_interrupt() {
    return *m_isr;
}

Result<void> PciTransport::route_interrupts(u8 vector) {
    if (!m_has_msix || !m_msix_accepted)
        return Errno::ENODEV;
    m_msix.route(QUEUE_ENTRY, lapic_id(), vector);
    return {};
}

u8 PciTransport::config_read8(u32 offset) {
    if (!m_device_config || offset + 1 > m_device_config_length)
        return 0;
    return read<u8>(m_device_config + offset);
}

u32 PciTransport::config_read32(u32 offset) {
    if (!m_device_config || offset + 4 > m_device_config_length)
        return 0;
    return read<u32>(m_device_config + offset);
}

} // namespace virtio
