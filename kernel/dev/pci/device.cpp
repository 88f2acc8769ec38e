// device.cpp: BAR decoding and sizing, capability list walk, command register.
#include "dev/pci/device.h"

namespace pci {

namespace {
constexpr u32 BAR_IO = 1 << 0;
constexpr u32 BAR_TYPE_MASK = 3 << 1;
constexpr u32 BAR_TYPE_64 = 2 << 1;
constexpr u32 BAR_PREFETCHABLE = 1 << 3;
constexpr u8 BAR_OFFSET(int index) {
    return u8(header::BAR0 + 4 * index);
}
// 48 capabilities of 4 bytes at least fill the 192 bytes after the header: more is a loop.
constexpr int MAX_CAPABILITIES = 48;
} // namespace

bool exists(Address address) {
    return config_read16(address, header::VENDOR_ID) != NO_VENDOR;
}

Device::Device(Address address)
    : m_address(address), m_vendor_id(config_read16(address, header::VENDOR_ID)),
      m_device_id(config_read16(address, header::DEVICE_ID)) {
    // Only type 0 headers (endpoints) have six BARs; bridges have two we do not use.
    if ((config_read8(address, header::HEADER_TYPE) & 0x7f) == 0)
        size_bars();
}

void Device::size_bars() {
    u16 command = config_read16(m_address, header::COMMAND);
    // Decoding off while a BAR holds the all-ones sizing pattern, so no access lands there.
    config_write16(m_address, header::COMMAND,
                   u16(command & ~(command::IO_SPACE | command::MEMORY_SPACE)));
    for (int i = 0; i < BAR_COUNT; i++) {
        u8 offset = BAR_OFFSET(i);
        u32 low = config_read32(m_address, offset);
        config_write32(m_address, offset, 0xffffffff);
        u32 low_mask = config_read32(m_address, offset);
        config_write32(m_address, offset, low);
        Bar& bar = m_bars[i];
        if (low & BAR_IO) {
            if ((low_mask & ~3u) == 0)
                continue;
            bar = {low & ~3u, u64((~(low_mask & ~3u) + 1) & 0xffff), true, false, false};
            continue;
        }
        bool is_64bit = (low & BAR_TYPE_MASK) == BAR_TYPE_64 && i + 1 < BAR_COUNT;
        u64 address = low & ~0xfull;
        u64 mask = u64(low_mask & ~0xfu) | 0xffffffff00000000ull;
        if (is_64bit) {
            u8 high_offset = BAR_OFFSET(i + 1);
            u32 high = config_read32(m_address, high_offset);
            config_write32(m_address, high_offset, 0xffffffff);
            u32 high_mask = config_read32(m_address, high_offset);
            config_write32(m_address, high_offset, high);
            address |= u64(high) << 32;
            mask = (u64(high_mask) << 32) | (low_mask & ~0xfu);
        }
        // An unimplemented BAR ignores the pattern and reads zero.
        if ((mask & ~0xfull) != 0 && (is_64bit || (low_mask & ~0xfu) != 0))
            bar = {address, ~(mask & ~0xfull) + 1, false, is_64bit, bool(low & BAR_PREFETCHABLE)};
        if (is_64bit)
            i++; // the upper half is not a BAR of its own
    }
    config_write16(m_address, header::COMMAND, command);
}

void Device::assign_bar(int index, u64 address) {
    Bar& bar = m_bars[index];
    config_write32(m_address, BAR_OFFSET(index), u32(address));
    if (bar.is_64bit)
        config_write32(m_address, BAR_OFFSET(index + 1), u32(address >> 32));
    bar.address = address;
}

u8 Device::find_capability(u8 id, u8 after) const {
    if (!(config_read16(m_address, header::STATUS) & STATUS_CAPABILITIES))
        return 0;
    u8 offset = after ? config_read8(m_address, u8(after + 1))
                      : config_read8(m_address, header::CAPABILITIES);
    for (int i = 0; i < MAX_CAPABILITIES && offset >= 0x40; i++) {
        offset &= 0xfc;
        if (config_read8(m_address, offset) == id)
            return offset;
        offset = config_read8(m_address, u8(offset + 1));
    }
    return 0;
}

void Device::enable(u16 command_bits) {
    u16 command = config_read16(m_address, header::COMMAND);
    config_write16(m_address, header::COMMAND, u16(command | command_bits));
}

} // namespace pci
