// mmio.cpp: virtio-mmio registers. QEMU microvm puts up to 24 transports, 512 bytes apart,
// from 0xfeb00000; slots without a device read DeviceID 0.
#include "dev/virtio/transport/mmio.h"
#include "arch/x86_64/ioapic.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/page_table.h"

namespace virtio {

namespace {
constexpr u64 MICROVM_MMIO_BASE = 0xfeb00000;
constexpr u64 MMIO_SLOT_SIZE = 0x200;
constexpr int MICROVM_MMIO_SLOTS = 24;
constexpr u32 MAGIC = 0x74726976; // "virt"

namespace reg {
constexpr u32 MAGIC = 0x000;
constexpr u32 VERSION = 0x004;
constexpr u32 DEVICE_ID = 0x008;
constexpr u32 DEVICE_FEATURES = 0x010;
constexpr u32 DEVICE_FEATURES_SEL = 0x014;
constexpr u32 DRIVER_FEATURES = 0x020;
constexpr u32 DRIVER_FEATURES_SEL = 0x024;
constexpr u32 QUEUE_SEL = 0x030;
constexpr u32 QUEUE_NUM_MAX = 0x034;
constexpr u32 QUEUE_NUM = 0x038;
constexpr u32 QUEUE_READY = 0x044;
constexpr u32 QUEUE_NOTIFY = 0x050;
constexpr u32 INTERRUPT_STATUS = 0x060;
constexpr u32 INTERRUPT_ACK = 0x064;
constexpr u32 STATUS = 0x070;
constexpr u32 QUEUE_DESC_LOW = 0x080;
constexpr u32 QUEUE_DESC_HIGH = 0x084;
constexpr u32 QUEUE_DRIVER_LOW = 0x090;
constexpr u32 QUEUE_DRIVER_HIGH = 0x094;
constexpr u32 QUEUE_DEVICE_LOW = 0x0a0;
constexpr u32 QUEUE_DEVICE_HIGH = 0x0a4;
constexpr u32 CONFIG = 0x100;
} // namespace reg

int g_slot_lines[MICROVM_MMIO_SLOTS] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

// Parses a number in C syntax (decimal or 0x hex) and a K/M suffix; advances `p`.
u64 parse_number(const char*& p) {
    u64 value = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        for (p += 2;; p++) {
            char c = *p;
            int digit = c >= '0' && c <= '9' ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
            if (digit < 0)
                break;
            value = value * 16 + u64(digit);
        }
    } else {
        for (; *p >= '0' && *p <= '9'; p++)
            value = value * 10 + u64(*p - '0');
    }
    if (*p == 'K' || *p == 'k')
        value *= 1024, p++;
    else if (*p == 'M' || *p == 'm')
        value *= 1024 * 1024, p++;
    return value;
}
} // namespace

void mmio_parse_command_line(const char* p) {
    constexpr const char* KEY = "virtio_mmio.device=";
    while (*p) {
        while (*p == ' ')
            p++;
        if (starts_with(p, KEY)) {
            p += strlen(KEY);
            parse_number(p); // size
            if (*p == '@') {
                p++;
                u64 base = parse_number(p);
                if (*p == ':') {
                    p++;
                    u64 line = parse_number(p);
                    u64 slot = (base - MICROVM_MMIO_BASE) / MMIO_SLOT_SIZE;
                    if (base >= MICROVM_MMIO_BASE && slot < MICROVM_MMIO_SLOTS &&
                        (base - MICROVM_MMIO_BASE) % MMIO_SLOT_SIZE == 0)
                        g_slot_lines[slot] = int(line);
                }
            }
        }
        while (*p && *p != ' ')
            p++;
    }
}

volatile u32& MmioTransport::reg(u32 offset) {
    return *reinterpret_cast<volatile u32*>(static_cast<u8*>(phys_to_virt(m_phys)) + offset);
}

u32 MmioTransport::device_id() { return reg(reg::DEVICE_ID); }

u64 MmioTransport::device_features() {
    reg(reg::DEVICE_FEATURES_SEL) = 0;
    u64 low = reg(reg::DEVICE_FEATURES);
    reg(reg::DEVICE_FEATURES_SEL) = 1;
    return low | (u64(reg(reg::DEVICE_FEATURES)) << 32);
}

void MmioTransport::set_driver_features(u64 features) {
    reg(reg::DRIVER_FEATURES_SEL) = 0;
    reg(reg::DRIVER_FEATURES) = u32(features);
    reg(reg::DRIVER_FEATURES_SEL) = 1;
    reg(reg::DRIVER_FEATURES) = u32(features >> 32);
}

u8 MmioTransport::status() { return u8(reg(reg::STATUS)); }
void MmioTransport::set_status(u8 status) { reg(reg::STATUS) = status; }

u16 MmioTransport::queue_max_size(u16 queue) {
    reg(reg::QUEUE_SEL) = queue;
    return u16(reg(reg::QUEUE_NUM_MAX));
}

void MmioTransport::setup_queue(u16 queue, u16 size, u64 descriptors, u64 driver, u64 device) {
    reg(reg::QUEUE_SEL) = queue;
    reg(reg::QUEUE_NUM) = size;
    reg(reg::QUEUE_DESC_LOW) = u32(descriptors);
    reg(reg::QUEUE_DESC_HIGH) = u32(descriptors >> 32);
    reg(reg::QUEUE_DRIVER_LOW) = u32(driver);
    reg(reg::QUEUE_DRIVER_HIGH) = u32(driver >> 32);
    reg(reg::QUEUE_DEVICE_LOW) = u32(device);
    reg(reg::QUEUE_DEVICE_HIGH) = u32(device >> 32);
    reg(reg::QUEUE_READY) = 1;
}

void MmioTransport::notify(u16 queue) { reg(reg::QUEUE_NOTIFY) = queue; }

u32 MmioTransport::acknowledge_interrupt() {
    u32 cause = reg(reg::INTERRUPT_STATUS);
    reg(reg::INTERRUPT_ACK) = cause;
    return cause;
}

int MmioTransport::interrupt_line() {
    if (m_phys < MICROVM_MMIO_BASE)
        return -1;
    u64 slot = (m_phys - MICROVM_MMIO_BASE) / MMIO_SLOT_SIZE;
    return slot < MICROVM_MMIO_SLOTS ? g_slot_lines[slot] : -1;
}

Result<void> MmioTransport::route_interrupts(u8 vector) {
    int line = interrupt_line();
    if (line < 0 || !ioapic_route(u32(line), vector))
        return Errno::ENODEV;
    return {};
}

u8 MmioTransport::config_read8(u32 offset) {
    return *(reinterpret_cast<volatile u8*>(&reg(reg::CONFIG)) + offset);
}
u32 MmioTransport::config_read32(u32 offset) { return reg(reg::CONFIG + offset); }

void scan_mmio(void (*found)(MmioTransport& transport)) {
    map_mmio(MICROVM_MMIO_BASE, MMIO_SLOT_SIZE * MICROVM_MMIO_SLOTS);
    for (int slot = 0; slot < MICROVM_MMIO_SLOTS; slot++) {
        MmioTransport t(MICROVM_MMIO_BASE + slot * MMIO_SLOT_SIZE);
        if (t.reg(reg::MAGIC) != MAGIC || t.device_id() == 0)
            continue;
        if (t.reg(reg::VERSION) != 2) {
            kprintf("ops kernel: virtio-mmio slot %d is a legacy (version 1) device; skipped\n",
                    slot);
            continue;
        }
        found(t);
    }
}

} // namespace virtio
